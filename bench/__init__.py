"""Province-scale read benchmark for ZoneOps (``make bench``; results in docs/benchmarks.md).

Not part of the shipped package: the wheel holds ``zoneops`` only. Run it from a checkout with
``python -m bench`` on a scratch database.
"""
