#!/usr/bin/env python3
"""Fail when any services.py or selectors.py module is under 90 % branch coverage.

Reads the data file of the last ``pytest --cov`` run (.coverage, see [tool.coverage] in pyproject.toml).
The overall floor is checked by pytest itself (``--cov-fail-under``, in .ci/run); this is the separate,
stricter check for the modules that hold every write and every non-trivial read.
"""

import io
import sys
from pathlib import Path

import coverage

MODULE_FLOOR = 90.0
KINDS = ("services.py", "selectors.py")


def main():
    cov = coverage.Coverage()
    cov.load()
    files = sorted(f for f in cov.get_data().measured_files() if Path(f).name in KINDS and "/tests/" not in f)
    if not files:
        sys.exit("coverage-check: no services.py or selectors.py measured; run pytest --cov first.")
    below = []
    for path in files:
        percent = cov.report(include=[path], file=io.StringIO(), skip_covered=False)
        name = Path(path).relative_to(Path.cwd()) if Path(path).is_relative_to(Path.cwd()) else path
        print(f"{percent:5.1f} %  {name}")
        if percent < MODULE_FLOOR:
            below.append(f"{name}: {percent:.1f} % < {MODULE_FLOOR:.0f} %")
    if below:
        sys.exit("coverage-check: services and selectors must be covered at least 90 % (branches included):\n  "
                 + "\n  ".join(below))
    print(f"coverage-check: {len(files)} services/selectors modules, each ≥ {MODULE_FLOOR:.0f} %")


if __name__ == "__main__":
    main()
