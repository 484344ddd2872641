"""Ledger import throughput: the bench's own ledger exported, renamed, and imported back (checked and
written through ``exchange.import_ledger``), rolled back afterwards so the bench database is unchanged.

``python -m bench.imports [--rows N]`` on a seeded bench database (run ``python -m bench`` first).
"""

import argparse
import os
import sys
import tempfile
import time


def import_rows_per_second(rows, *, out=print):
    """(rows, seconds to check, seconds to check and write), the write rolled back."""
    from django.db import transaction

    from zoneops.audit.context import Actor
    from zoneops.exchange.xlsx import write_layout
    from zoneops.projects import exchange, selectors

    queryset = selectors.project_queryset(user=_leader())
    title, source, _footer = exchange._ledger_sheet(queryset)

    def renamed():
        for number in range(rows):
            try:
                line = next(source)
            except StopIteration:
                return
            line[1], line[2] = f"导入测试{number}", None  # a new name, no 项目代码: each row is new
            yield line

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        written = write_layout(handle.name, exchange.LAYOUT, title=title, rows=renamed())
        began = time.perf_counter()
        checked = exchange.import_ledger(handle.name, actor=Actor.system(), commit=False)
        check_seconds = time.perf_counter() - began
        if not checked.ok:
            out(f"import check found errors: {checked.errors[:5]}")
        with transaction.atomic():
            began = time.perf_counter()
            result = exchange.import_ledger(handle.name, actor=Actor.system(), commit=True)
            write_seconds = time.perf_counter() - began
            transaction.set_rollback(True)
    if not result.created:
        out(f"import wrote nothing: {result.errors[:5]}")
    return written, check_seconds, write_seconds


def _leader():
    from bench.data import LEADER
    from zoneops.org.models import Person

    return Person.objects.get(username=LEADER)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--rows", type=int, default=20_000)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    from bench.run import check_scratch_database

    check_scratch_database()
    rows, check, write = import_rows_per_second(options.rows)
    print(f"{rows} rows: check {check:.1f} s ({rows / check:,.0f} rows/s), "
          f"check + write {write:.1f} s ({rows / write:,.0f} rows/s)")


if __name__ == "__main__":
    sys.exit(main())
