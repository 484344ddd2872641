"""Investor dedup over a large enterprise registry: ``python -m bench.enterprise_dedup [--enterprises N]``.

Seeds N enterprises (default 1,000,000) into a scratch database whose name contains "bench" (SQLite
under $ZONEOPS_HOME, or PostgreSQL through DATABASE_URL), then times
``enterprise_find_duplicates(name=…, code=…)`` for new names: half of them variants of seeded names
(有限责任公司 for 有限公司, traditional characters, full-width brackets), half unseen. Each call includes
normalising the name (NFKC, OpenCC, suffixes) and the three indexed lookups (code, name key, former
name key). The seed writes rows with plain SQL; their keys come from the same ``name_key`` the service
uses for the seeded names' stems, computed once per stem (1M OpenCC conversions would take minutes).
"""

import argparse
import os
import random
import statistics
import sys
from time import perf_counter

STEMS_A = "华阳远航秦川渭河长安金泰宏达鑫源恒通中联瑞丰天成德胜永安盛世新元博远汇丰东方"
STEMS_B = "食品物流新材料化工机械电子科技能源医药纺织建材环保汽车装备信息农业置业"
SUFFIXES = ("有限公司", "股份有限公司", "有限责任公司", "集团有限公司")


def _names(count, rng):
    """Distinct synthetic names: two stem pairs, a number, a suffix (e.g. 华阳机械37105有限公司)."""
    a = [STEMS_A[i:i + 2] for i in range(0, len(STEMS_A), 2)]
    b = [STEMS_B[i:i + 2] for i in range(0, len(STEMS_B), 2)]
    for index in range(count):
        yield f"{a[index % len(a)]}{b[(index // len(a)) % len(b)]}{index}{SUFFIXES[index % len(SUFFIXES)]}"


def _code(index):
    from stdnum.cn import uscc

    body = f"91610500{index:09d}"
    return body + uscc.calc_check_digit(body)


def seed(count, unit_id, batch=20_000):
    from django.db import connection, transaction
    from django.utils import timezone

    from zoneops.enterprises.names import name_key

    rng = random.Random(7)
    now = timezone.now()
    sql = ("INSERT INTO enterprises_enterprise (created_at, updated_at, version, uscc, name, name_key, initials, "
           "flags, address, note, unit_id) VALUES (%s, %s, 1, %s, %s, %s, '', '', '', '', %s)")
    rows = []
    started = perf_counter()
    for index, name in enumerate(_names(count, rng)):
        suffix = next(s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s))
        key = name[: -len(suffix)] + ("集团" if suffix == "集团有限公司" else "")
        if index < 1000 and key != name_key(name):  # the shortcut agrees with the service's own key
            sys.exit(f"bench: seeded key {key} differs from name_key({name}) = {name_key(name)}")
        rows.append((now, now, _code(index), name, key, unit_id))
        if len(rows) == batch:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            rows = []
    if rows:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE enterprises_enterprise")
    return perf_counter() - started


def _variant(name):
    """A near-identical spelling of a seeded name: another company-form suffix, traditional, brackets."""
    from opencc import OpenCC

    stem = name.removesuffix("股份有限公司").removesuffix("有限责任公司").removesuffix("有限公司")
    return OpenCC("s2t").convert(f"{stem[:2]}（{stem[2:4]}）{stem[4:]}有限责任公司")


def check_scratch_database():
    from django.conf import settings

    name = str(settings.DATABASES["default"]["NAME"])
    if "bench" not in name.lower():
        sys.exit(f"bench: refusing to seed “{name}”: the database name must contain “bench”.")


def run(count, probes):
    from django.core.management import call_command
    from django.db import connection

    from zoneops.audit.context import Actor
    from zoneops.enterprises.models import Enterprise
    from zoneops.enterprises.services import enterprise_find_duplicates
    from zoneops.org import services as org_services
    from zoneops.org.models import Unit, UnitKind

    check_scratch_database()
    call_command("migrate", verbosity=0)
    if Enterprise.objects.unscoped().exists():
        sys.exit("bench: the bench database already holds enterprises; start from an empty one.")
    unit = Unit.objects.filter(code="bench-zone").first() or org_services.unit_create(
        actor=Actor.system(), parent=None, code="bench-zone", name="压测开发区", kind=UnitKind.ZONE)
    seconds = seed(count, unit.pk)
    print(f"seeded {count:,} enterprises in {seconds:.0f} s ({connection.vendor})")

    rng = random.Random(11)
    seeded = list(_names(count, random.Random(7)))
    cases = []
    for _ in range(probes // 2):
        index = rng.randrange(count)
        cases.append(("variant", _variant(seeded[index]), "", index))
    for probe in range(probes - len(cases)):
        cases.append(("new", f"全新{probe}测试企业有限公司", "", None))
    cases.append(("code", "无关名称", _code(count // 2), count // 2))
    for _kind, probe_name, code, _index in cases[:5]:  # warm up
        enterprise_find_duplicates(name=probe_name, code=code)
    timings = {"variant": [], "new": [], "code": []}
    misses = 0
    for kind, probe_name, code, index in cases:
        started = perf_counter()
        found = enterprise_find_duplicates(name=probe_name, code=code)
        timings[kind].append((perf_counter() - started) * 1000)
        if (index is not None) != bool(found):
            misses += 1
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
        cursor.execute(f"{explain} SELECT id FROM enterprises_enterprise WHERE name_key = %s",  # noqa: S608
                       ["华阳食品"])
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    code_query = Enterprise.objects.unscoped().filter(uscc=_code(1)).exclude(uscc="").values("id")
    plan += " | code: " + code_query.explain().replace("\n", " / ")
    lines = [f"enterprise_find_duplicates over {count:,} enterprises ({connection.vendor}), ms per call:"]
    for kind, values in timings.items():
        values.sort()
        lines.append(f"  {kind:8} n={len(values):4}  median {statistics.median(values):.2f}  "
                     f"p95 {values[int(len(values) * 0.95) - 1 if len(values) > 1 else 0]:.2f}  max {values[-1]:.2f}")
    lines.append(f"  wrong answers: {misses} (a variant not found, or an unseen name matched)")
    lines.append(f"  plan: {plan}")
    return "\n".join(lines), misses


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.enterprise_dedup")
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=200)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    report, misses = run(options.enterprises, options.probes)
    print(report)
    if misses:
        sys.exit(1)


if __name__ == "__main__":
    main()
