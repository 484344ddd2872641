"""Province-scale problems (问题台账) and 督办调度 for the bench: problems over three years, mostly closed, in
every unit of the bench tree; weekly meetings of every county with their decisions; tasks (督办事项) from
those decisions and from leaders' instructions; and the people whose pages are measured.

Written with bulk inserts in chunks like :mod:`bench.data` (no services, no audit rows, no timelines):
a scratch database for measuring reads. Deterministic for a given ``today`` and numbering.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from time import perf_counter

from django.contrib.auth.hashers import make_password
from django.db import transaction

from bench.data import ROOT_CODE
from zoneops.core.models import CalendarDay
from zoneops.dispatch.choices import DecisionKind, MeetingKind, MeetingStatus, TaskSource, TaskStatus
from zoneops.dispatch.models import Decision, Meeting, MeetingAttendee, Task
from zoneops.org.models import Grant, Person, Role, Scope, Unit, UnitKind
from zoneops.problems.choices import Level, Status
from zoneops.problems.models import Problem, ProblemCategory, ProblemCoUnit

CHUNK = 5000
YEARS = 3
WEEKS = 20  # weekly meetings per county
TOWN, OFFICE, PROVINCE_OFFICE = "bench-town", "bench-office", "bench-office-sx"
TITLES = ["项目用地指标未落实", "施工许可并联审批滞后", "专用变压器未接入", "天然气管道未接通", "环评批复滞后",
          "规划条件调整", "普工招聘缺口", "沿线拆迁未完成", "配套资金缺口", "污水管网接入方案待定"]
# Open problems by age: (status, share) for the last 60 days; older ones are mostly closed.
RECENT = [(Status.PENDING, 8), (Status.ASSIGNED, 12), (Status.HANDLING, 30), (Status.CLOSE_REQUESTED, 8),
          (Status.RETURNED, 4), (Status.PARKED, 3), (Status.CLOSED, 35)]
OLD = [(Status.CLOSED, 94), (Status.PARKED, 2), (Status.HANDLING, 4)]


@dataclass
class Seeded:
    problems: int = 0
    tasks: int = 0
    meetings: int = 0
    seconds: float = 0.0

    def add(self, other):
        return Seeded(self.problems + other.problems, self.tasks + other.tasks, self.meetings + other.meetings,
                      self.seconds + other.seconds)


class Calendar:
    """Working days over the bench's years, loaded once (``core.deadlines.due_date`` reads the calendar
    table per call, too slow for 200,000 rows)."""

    def __init__(self, today):
        first, last = today - timedelta(days=366 * YEARS + 30), today + timedelta(days=120)
        exceptions = dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind"))
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.workdays = [day for day in days if exceptions.get(day) != CalendarDay.Kind.HOLIDAY
                         and (day.weekday() < 5 or exceptions.get(day) == CalendarDay.Kind.WORKDAY)]
        self.index = {}
        position = 0
        for day in days:  # a day off counts from the working day before it
            while position + 1 < len(self.workdays) and self.workdays[position + 1] <= day:
                position += 1
            self.index[day] = position

    def add(self, start, n):
        return self.workdays[min(self.index[start] + n, len(self.workdays) - 1)]


# --- People --------------------------------------------------------------------------------------------

def _person(username, name, unit, role, scope):
    person = Person.objects.create(username=username, name=name, unit=unit, must_change_password=False,
                                   password=make_password(None))
    Grant.objects.create(person=person, role=Role.objects.get(code=role), scope=scope)
    return person


@transaction.atomic
def build_people():
    """A township cadre (乡镇, 本单位), the project office of a county (区县, 本单位及下级) and a province
    office (全部). Returns (township person, county office, province office)."""
    root = Unit.objects.get(code=ROOT_CODE)
    county = Unit.objects.filter(path__startswith=root.path, kind=UnitKind.COUNTY).order_by("pk").first()
    township = Unit.objects.filter(parent=county, kind=UnitKind.TOWNSHIP).order_by("pk").first()
    return (_person(TOWN, "压测乡镇干部", township, "township", Scope.UNIT),
            _person(OFFICE, "压测区县项目办", county, "projects", Scope.UNIT_TREE),
            _person(PROVINCE_OFFICE, "压测省项目办", root, "projects", Scope.ALL))


def bench_people():
    return tuple(Person.objects.get(username=name) for name in (TOWN, OFFICE, PROVINCE_OFFICE))


class Tree:
    """The bench tree's counties with their townships, and the people problems are raised by."""

    def __init__(self):
        root = Unit.objects.get(code=ROOT_CODE)
        units = list(Unit.objects.filter(path__startswith=root.path, kind__in=[UnitKind.COUNTY, UnitKind.TOWNSHIP])
                     .order_by("pk"))
        self.counties = [unit for unit in units if unit.kind == UnitKind.COUNTY]
        self.townships = {county.pk: [u for u in units if u.parent_id == county.pk] for county in self.counties}
        self.all_townships = [u for u in units if u.kind == UnitKind.TOWNSHIP]
        self.by_pk = {unit.pk: unit for unit in units}
        self.town, self.office, _province = bench_people()
        self.categories = list(ProblemCategory.objects.order_by("pk"))


# --- Problems ------------------------------------------------------------------------------------------

def _problem(rng, n, tree, calendar, today):
    raising = rng.choice(tree.all_townships)
    county = tree.by_pk[raising.parent_id]
    responsible = county if rng.random() < 0.5 else rng.choice(tree.townships[county.pk])
    age = rng.randint(0, 366 * YEARS)
    raised = today - timedelta(days=age)
    status = rng.choices(*zip(*(RECENT if age <= 60 else OLD), strict=True))[0]
    category = rng.choice(tree.categories)
    workdays = category.default_workdays
    start = raised if status == Status.PENDING else raised + timedelta(days=1)
    due = calendar.add(start, workdays)
    level, escalated, escalated_on = Level.UNIT, None, None
    if status in (Status.ASSIGNED, Status.HANDLING, Status.RETURNED) and due < today:  # a level a week overdue
        level = min(Level.HEAD, 1 + (today - due).days // 7)
        escalated = county.pk if level <= Level.WEEKLY_MEETING else county.parent_id  # then the city's leaders
        escalated_on = min(today, due + timedelta(days=7 * level))
    closed_on = None
    if status == Status.CLOSED:
        closed_on = min(today, calendar.add(start, rng.randint(1, workdays + (3 if rng.random() < 0.15 else 0))))
    return Problem(
        title=f"{raising.name}{TITLES[n % len(TITLES)]}（{n}）", category=category,
        description="影响项目建设进度，请责任单位尽快协调解决。", raising_unit=raising,
        raised_by=tree.town if raising.pk == tree.town.unit_id else None, responsible_unit=responsible,
        raised_on=raised, workdays=workdays, start_on=start, due_date=due, status=status, level=level,
        escalated_unit_id=escalated, escalated_on=escalated_on, closed_on=closed_on,
        rating=rng.randint(3, 5) if status == Status.CLOSED else None,
        park_reason="待上级资金下达" if status == Status.PARKED else "",
        park_review_on=today + timedelta(days=rng.randint(-10, 30)) if status == Status.PARKED else None,
        return_reason="非本单位职责，请改派。" if status == Status.RETURNED else "")


def seed_problems(count, *, first=1, today, seed=2260):
    """Add ``count`` problems (numbered from ``first``), a tenth with a co-unit; returns Seeded."""
    began = perf_counter()
    rng = random.Random(seed + first)
    tree, calendar = Tree(), Calendar(today)
    for chunk_start in range(first, first + count, CHUNK):
        with transaction.atomic():
            rows = [_problem(rng, n, tree, calendar, today)
                    for n in range(chunk_start, min(first + count, chunk_start + CHUNK))]
            Problem.objects.bulk_create(rows)
            ProblemCoUnit.objects.bulk_create([
                ProblemCoUnit(problem=row, unit=rng.choice(tree.townships[row.raising_unit.parent_id]))
                for row in rows if rng.random() < 0.1], ignore_conflicts=True)
    return Seeded(problems=count, seconds=perf_counter() - began)


# --- Meetings and tasks --------------------------------------------------------------------------------

def _task_fields(rng, tree, county, calendar, today, issued):
    owner = rng.choice([county, *tree.townships[county.pk]])
    due = calendar.add(issued, rng.randint(5, 20))
    age = (today - issued).days
    status = (rng.choices([TaskStatus.CLOSED, TaskStatus.HANDLING, TaskStatus.DONE_REQUESTED], [88, 9, 3])[0]
              if age > 45 else rng.choices(list(TaskStatus), [15, 35, 10, 35, 5])[0])
    closed = min(today, calendar.add(issued, rng.randint(2, 22))) if status == TaskStatus.CLOSED else None
    person = tree.town if owner.pk == tree.town.unit_id and rng.random() < 0.5 else None
    return {"owner_unit": owner, "owner_person": person, "issued_on": issued, "due_date": due, "status": status,
            "closed_on": closed, "result": "已办结。" if closed else "",
            "return_reason": "非本单位职责。" if status == TaskStatus.RETURNED else ""}


@transaction.atomic
def seed_dispatch(tasks, *, today, seed=9704):
    """Weekly meetings of every county (the last ones with three decisions each, made tasks) and leaders'
    instructions up to ``tasks`` 督办事项 in all; the bench county's next meeting is planned for today.
    Returns (Seeded, the planned meeting)."""
    began = perf_counter()
    rng = random.Random(seed + tasks)
    tree, calendar = Tree(), Calendar(today)
    monday = today - timedelta(days=today.weekday())
    meetings = [Meeting(kind=MeetingKind.WEEKLY, title=f"{county.name}周调度会（{held:%Y-%m-%d}）", unit=county,
                        held_on=held, status=MeetingStatus.HELD, summary="会议研究了重点项目推进。",
                        created_by=tree.office)
                for week in range(1, WEEKS + 1) for county in tree.counties
                for held in [monday - timedelta(weeks=week)]]  # newest first
    Meeting.objects.bulk_create(meetings)
    decided = min(tasks // 4, len(meetings) * 3)  # the latest meetings' decisions, three each
    decisions = [Decision(meeting=meetings[n // 3], seq=n % 3 + 1, kind=DecisionKind.TASK, text="责任单位按期办结。",
                          owner_unit=meetings[n // 3].unit, due_date=meetings[n // 3].held_on + timedelta(days=14))
                 for n in range(decided)]
    Decision.objects.bulk_create(decisions)
    rows = []
    for decision in decisions:
        fields = _task_fields(rng, tree, decision.meeting.unit, calendar, today, decision.meeting.held_on)
        decision.owner_unit = fields["owner_unit"]
        rows.append(Task(title=f"{decision.meeting.title}决定{decision.seq}", instruction=decision.text,
                         source=TaskSource.MEETING, issuing_unit=decision.meeting.unit, issued_by=tree.office,
                         decision=decision, **fields))
    Decision.objects.bulk_update(decisions, ["owner_unit"])
    for n in range(tasks - decided):
        county = rng.choice(tree.counties)
        issued = today - timedelta(days=rng.randint(0, 366 * 2))
        rows.append(Task(title=f"关于{county.name}重点项目推进的批示（{n}）", instruction="请抓紧推进，按期办结。",
                         source=TaskSource.INSTRUCTION, issuing_unit=county, issued_by=None,
                         **_task_fields(rng, tree, county, calendar, today, issued)))
    Task.objects.bulk_create(rows, batch_size=CHUNK)
    bench_county = tree.office.unit
    planned = Meeting.objects.create(kind=MeetingKind.WEEKLY, title=f"{bench_county.name}本周调度会", unit=bench_county,
                                     held_on=today, created_by=tree.office)
    MeetingAttendee.objects.bulk_create([MeetingAttendee(meeting=planned, unit=unit)
                                         for unit in tree.townships[bench_county.pk]])
    return Seeded(tasks=len(rows), meetings=len(meetings) + 1, seconds=perf_counter() - began), planned
