"""Province-scale data for the bench (``python -m bench``): a unit tree of a province, leaders, and projects with
their milestones and a year or two of monthly progress reports.

Written with bulk inserts in chunks (no services, no audit rows): this is a scratch database for
measuring reads, never a real one. Deterministic for a given ``today``.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from time import perf_counter

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zoneops.core.periods import PeriodKind, period_containing
from zoneops.org.models import Grant, Person, Role, Scope, Unit, UnitKind
from zoneops.projects.choices import BuildNature, ReportStatus, Stage
from zoneops.projects.models import Milestone, ProgressReport, Project
from zoneops.projects.templates_seed import INDUSTRIAL, MILESTONE_TEMPLATES

ROOT_CODE = "bench-sx"
LEADER = "bench-leader"
CITIES = ["西安", "铜川", "宝鸡", "咸阳", "渭南", "延安", "汉中", "榆林", "安康", "商洛"]
COUNTIES_PER_CITY = 10
TOWNSHIPS_PER_COUNTY = 8
CHUNK = 2000  # projects written per round, with their milestones and reports
INDUSTRIES = ["1371", "1373", "1353", "1431", "1442", "2720", "2740", "2761", "3021", "3024", "3062", "3311",
              "3441", "3484", "3491", "3572", "3670", "3660", "3841", "3825", "3985", "2929", "5930", "5810",
              "4416", "4813", "4790", "3821", "3982", "2651"]
# (stage, share of projects, planned start in days from today, months of reports)
STAGES = [
    (Stage.RESERVE, 8, (200, 600), (0, 0)),
    (Stage.SIGNED, 7, (130, 330), (0, 0)),
    (Stage.PREPARING, 10, (20, 125), (0, 0)),
    (Stage.STARTED, 8, (-150, -35), (1, 5)),
    (Stage.IN_STATS, 7, (-250, -60), (3, 8)),
    (Stage.BUILDING, 35, (-900, -150), (10, 30)),
    (Stage.COMPLETED, 10, (-800, -330), (18, 26)),
    (Stage.OPERATING, 8, (-1000, -400), (18, 26)),
    (Stage.FULL_OUTPUT, 5, (-1400, -800), (18, 26)),
    (Stage.SUSPENDED, 1.5, (-600, -150), (6, 18)),
    (Stage.CANCELLED, 0.5, (-60, 120), (0, 0)),
]
# The last milestone (by position in the 工业项目 template) each stage has reached.
REACHED = {Stage.RESERVE: -1, Stage.SIGNED: 0, Stage.PREPARING: 2, Stage.STARTED: 5, Stage.IN_STATS: 5,
           Stage.BUILDING: 6, Stage.COMPLETED: 8, Stage.OPERATING: 9, Stage.FULL_OUTPUT: 9,
           Stage.SUSPENDED: 5, Stage.CANCELLED: 0}


@dataclass
class Seeded:
    projects: int = 0
    milestones: int = 0
    reports: int = 0
    seconds: float = 0.0

    def add(self, other):
        return Seeded(self.projects + other.projects, self.milestones + other.milestones,
                      self.reports + other.reports, self.seconds + other.seconds)


# --- Units and people ---------------------------------------------------------------------------

def _add_units(parents, kind, names):
    """Children of each parent, named by ``names(parent, i)``; paths are filled in once pks exist."""
    rows = [Unit(parent=parent, code=f"{parent.code}-{i}", name=name, kind=kind, path="pending/",
                 depth=parent.depth + 1)
            for parent in parents for i, name in enumerate(names(parent))]
    Unit.objects.bulk_create(rows)
    for unit in rows:
        unit.path = f"{unit.parent.path}{unit.pk}/"
    Unit.objects.bulk_update(rows, ["path"])
    return rows


@transaction.atomic
def build_tree():
    """Province → 10 cities → 100 counties/zones → 800 townships and parks; a leader who sees all.

    Returns (the leader, the units projects belong to, the people who lead projects).
    """
    root = Unit.objects.create(code=ROOT_CODE, name="陕西省（压测）", kind=UnitKind.PROVINCE, path="pending/")
    root.path = f"{root.pk}/"
    root.save(update_fields=["path"])
    cities = _add_units([root], UnitKind.CITY, lambda _p: [f"{city}市" for city in CITIES])
    counties = _add_units(cities, UnitKind.COUNTY,
                          lambda p: [f"{p.name}第{n + 1}区县" for n in range(COUNTIES_PER_CITY)])
    townships = _add_units(counties, UnitKind.TOWNSHIP,
                           lambda p: [f"{p.name}第{n + 1}镇" for n in range(TOWNSHIPS_PER_COUNTY)])
    leader = Person(username=LEADER, name="压测领导", unit=root, must_change_password=False)
    leader.set_unusable_password()
    leader.save()
    Grant.objects.create(person=leader, role=Role.objects.get(code="leader"), scope=Scope.ALL)
    others = [Person(username=f"bench-leader-{city.pk}", name=f"{city.name}包联领导", unit=city,
                     must_change_password=False, password=make_password(None)) for city in cities]
    Person.objects.bulk_create(others)
    return leader, counties + townships, [leader, *others]


def bench_tree():
    """The tree and people of an earlier build_tree(), to add projects to."""
    root = Unit.objects.get(code=ROOT_CODE)
    units = list(Unit.objects.filter(path__startswith=root.path, kind__in=[UnitKind.COUNTY, UnitKind.TOWNSHIP]))
    leaders = list(Person.objects.filter(username__startswith=LEADER).order_by("pk"))
    return leaders[0], units, leaders


# --- Projects, milestones and reports -----------------------------------------------------------

def _months(today, count=36):
    """The last ``count`` closed months, oldest first, each with a typical submission time."""
    period = period_containing(PeriodKind.MONTH, today).previous()
    months = []
    for _ in range(count):
        submitted = timezone.make_aware(datetime.combine(period.end + timedelta(days=3), time(10)))
        months.append((period, submitted))
        period = period.previous()
    return months[::-1]


def _project(rng, n, units, leaders, today):
    stage, _share, (low, high), report_range = rng.choices(STAGES, [row[1] for row in STAGES])[0]
    total = rng.randint(50, 3000) * 1_000_000
    start = today + timedelta(days=rng.randint(low, high))
    reached = REACHED[stage]
    project = Project(
        name=f"压测项目{n:06d}年产{rng.randint(1, 50)}万件产品生产线项目", enterprise=f"压测企业{n:06d}有限公司",
        responsible_unit=rng.choice(units), leader=rng.choice(leaders), industry_id=rng.choice(INDUSTRIES),
        build_nature=BuildNature.NEW, stage=stage, total_investment=total,
        year_plan_investment=total // 4 if report_range[1] else 0,
        is_provincial_key=rng.random() < 0.1, is_city_key=rng.random() < 0.3, is_district_key=rng.random() < 0.6,
        planned_start=start, planned_completion=start + timedelta(days=330),
        signed_on=start - timedelta(days=180) if reached >= 0 else None,
        actual_start=start if reached >= 5 else None,
        in_stats_on=start + timedelta(days=30) if reached >= 5 and stage != Stage.STARTED else None,
        actual_completion=start + timedelta(days=330) if reached >= 8 else None,
        operating_on=start + timedelta(days=360) if reached >= 9 else None,
        location="压测园区", content="新建生产厂房及配套设施。",
    )
    return project, reached, report_range


def _milestones(rng, project, reached, items, today):
    rows = []
    for index, (name, offset) in enumerate(items):
        planned = project.planned_start + timedelta(days=offset)
        actual = None
        if index <= reached or (planned < today and rng.random() < 0.97):
            actual = min(planned + timedelta(days=rng.randint(-6, 2 if rng.random() < 0.9 else 30)), today)
        rows.append(Milestone(project=project, seq=index + 1, name=name, baseline_date=planned,
                              planned_date=planned, actual_date=actual))
    return rows


def _reports(rng, project, report_range, months):
    count = rng.randint(*report_range)
    if not count:
        return []
    monthly = project.total_investment // 40 // 10_000 * 10_000
    rows, percent = [], 0
    for period, submitted in months[-count:]:
        percent = min(100, percent + rng.randint(2, 6))
        rows.append(ProgressReport(
            project=project, period_key=period.key, period_start=period.start, period_end=period.end,
            invested=monthly, progress_text="主体结构施工中", percent=percent, workers=rng.randint(20, 300),
            status=ReportStatus.ACCEPTED, submitted_at=submitted, is_late=rng.random() < 0.08))
    return rows


def seed_projects(count, *, first=1, today=None, seed=4754):
    """Add ``count`` projects (numbered from ``first``) with milestones and reports; returns Seeded."""
    began = perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed + first)
    _leader, units, leaders = bench_tree()
    items = next(spec["items"] for spec in MILESTONE_TEMPLATES if spec["name"] == INDUSTRIAL)
    months = _months(today)
    seeded = Seeded()
    for chunk_start in range(first, first + count, CHUNK):
        with transaction.atomic():
            numbers = range(chunk_start, min(first + count, chunk_start + CHUNK))
            made = [_project(rng, n, units, leaders, today) for n in numbers]
            Project.objects.bulk_create([project for project, _reached, _range in made])
            milestones, reports = [], []
            for project, reached, report_range in made:
                if reached >= 0:
                    milestones += _milestones(rng, project, reached, items, today)
                reports += _reports(rng, project, report_range, months)
            Milestone.objects.bulk_create(milestones)
            ProgressReport.objects.bulk_create(reports)
        seeded = seeded.add(Seeded(len(made), len(milestones), len(reports)))
    seeded.seconds = perf_counter() - began
    return seeded
