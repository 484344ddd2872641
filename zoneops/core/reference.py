"""Loading the reference tables from the data files shipped in core/data/ (sources in *.SOURCE.md)."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _load_tree(model, filename):
    """Bulk-insert a code,name,level,parent CSV (parents precede children in the file)."""
    with open(DATA_DIR / filename, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(model.objects.values_list("code", flat=True))
    new = [
        model(code=row["code"], name=row["name"], level=row["level"], parent_id=row["parent"] or None)
        for row in rows
        if row["code"] not in existing
    ]
    model.objects.bulk_create(new, batch_size=1000)
    return len(new)


def load_industry_codes(model):
    return _load_tree(model, "gbt4754-2017.csv")


def load_regions(model):
    return _load_tree(model, "gbt2260.csv")
