"""Demo problems (问题台账): months of history, most closed (two of them late), some overdue, one escalated
to 主要领导, so that every demo login finds something on its workbench. Written through the problem
services; each entry of a timeline and each message is dated the day it happened (:mod:`.history`)."""

from datetime import time, timedelta
from itertools import cycle

from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.core.workdays import add_workdays
from zoneops.demo.history import History
from zoneops.org.models import Person, Unit
from zoneops.problems import services
from zoneops.problems.choices import Status
from zoneops.problems.models import Problem, ProblemCategory

# (title, category, raiser, raising unit, responsible unit, raised days ago, workdays, where it ends)
PROBLEMS = [
    ("高压线迁改影响厂房基础施工", "水电气", "demo-town-b", "jkq-lbz", "jkq-zj", 175, 15, "closed"),
    ("企业投资项目备案信息变更", "手续/审批", "demo-town-a", "jkq-xsz", "jkq-sp", 160, 5, "closed"),
    ("食品产业园二期用地指标未落实", "土地", "demo-town-a", "jkq-xsz", "jkq-tc", 150, 20, "closed"),
    ("园区主干道路灯未通电", "水电气", "demo-town-b", "jkq-lbz", "jkq-zj", 140, 10, "closed_late"),
    ("新材料项目规划条件调整", "规划", "demo-town-a", "jkq-xsz", "jkq-gh", 130, 15, "closed"),
    ("物流园环评批复滞后", "环保", "demo-town-b", "jkq-lbz", "jkq-hb", 120, 15, "closed"),
    ("农机装备项目消防设计审查退回", "手续/审批", "demo-xm", "jkq-xmb", "jkq-sp", 110, 10, "closed"),
    ("施工许可并联审批卡在消防审查", "手续/审批", "demo-town-b", "jkq-lbz", "jkq-sp", 100, 10, "closed"),
    ("钢结构项目临时用地手续未办", "土地", "demo-town-a", "jkq-xsz", "jkq-tc", 95, 15, "closed_late"),
    ("装备制造项目专用变压器未接入", "水电气", "demo-town-a", "jkq-xsz", "jkq-zj", 90, 10, "closed"),
    ("新能源电池项目普工招聘缺口200人", "用工", "demo-xm", "jkq-xmb", "jkq-xsz", 75, 10, "closed"),
    ("产业园道路沿线12户拆迁未完成", "拆迁", "demo-xm", "jkq-xmb", "jkq-lbz", 60, 30, "closed"),
    ("冷链仓储项目天然气管道未接通", "水电气", "demo-town-b", "jkq-lbz", "jkq-zj", 70, 10, "escalated"),
    ("医疗器械产业园排污许可办理", "环保", "demo-xm", "jkq-xmb", "jkq-hb", 55, 10, "closed"),
    ("物流园项目外籍技术人员居留证办理", "其他", "demo-town-b", "jkq-lbz", "jkq-zsj", 45, 10, "closed"),
    ("复合材料项目规划验线延期", "规划", "demo-town-a", "jkq-xsz", "jkq-gh", 40, 5, "closed"),
    ("电子元件项目土地证办理超期", "土地", "demo-town-a", "jkq-xsz", "jkq-tc", 25, 10, "overdue"),
    ("标准化厂房二期配套资金缺口", "资金", "demo-town-a", "jkq-xsz", "jkq-xmb", 20, 10, "handling"),
    ("装备制造项目用电增容申请未答复", "水电气", "demo-town-a", "jkq-xsz", "jkq-zj", 16, 10, "close_requested"),
    ("医药中间体项目能评未批", "环保", "demo-town-b", "jkq-lbz", "jkq-hb", 12, 10, "close_requested"),
    ("物流园入口道路规划红线冲突", "规划", "demo-town-b", "jkq-lbz", "jkq-gh", 8, 15, "returned"),
    ("纺织项目用工培训场地不足", "用工", "demo-xm", "jkq-xmb", "jkq-lbz", 6, 10, "assigned"),
    ("签约企业人才公寓需求未落实", "其他", "demo-town-b", "jkq-lbz", "jkq-zsj", 4, 10, "assigned"),
    ("园区污水管网接入方案待定", "其他", "demo-town-a", "jkq-xsz", "jkq-zj", 2, 10, "pending"),
    ("储能项目配套资金申报材料退回", "资金", "demo-town-a", "jkq-xsz", "jkq-xmb", 30, 10, "parked"),
]
RATINGS = [5, 4, 5, 3, 4, 5, 4]
SWEEP_DAYS = 80


def sweep_days(today):
    """The days of the worker's escalation sweeps the demo replays: the last months, oldest first."""
    return [today - timedelta(days=n) for n in range(SWEEP_DAYS, -1, -1)]


def sweep(day):
    services.escalate_overdue(actor=Actor.system(), today=day)


def build_demo_problems(today=None, *, sweeps=True):
    """Load the demo problems once (skipped when the ledger has any); returns how many were loaded.

    ``sweeps=False`` leaves the escalation sweeps to the caller (the dispatch demo runs them day by day
    between its meetings)."""
    if Problem.objects.unscoped().exists():  # unscoped: the loader checks the whole ledger
        return 0
    today = today or timezone.localdate()
    system = Actor.system()
    history = History()
    people = {person.username: person for person in Person.objects.filter(username__startswith="demo-")}
    units = {unit.code: unit for unit in Unit.objects.filter(code__startswith="jkq-")}
    categories = {category.name: category for category in ProblemCategory.objects.all()}
    ratings = cycle(RATINGS)
    for title, category, raiser, raising, responsible, days_ago, workdays, end in PROBLEMS:
        raised_on = today - timedelta(days=days_ago)
        with history.on(raised_on):
            problem = services.problem_raise(
                actor=Actor(person=people[raiser]), title=title, category=categories[category],
                description=f"{title}，影响项目建设进度，请责任单位尽快协调解决。", raising_unit=units[raising],
                responsible_unit=units[responsible], workdays=workdays, raised_on=raised_on)
        if end == "pending":
            continue

        def move(status, days_after=None, problem=problem, raised_on=raised_on, on=None, **kwargs):
            on = min(on or raised_on + timedelta(days=days_after), today)
            with history.on(on):
                return services.problem_transition(actor=system, problem=problem, to_status=status, on=on, **kwargs)

        problem = move(Status.ASSIGNED, 1)
        if end == "returned":
            move(Status.RETURNED, 3, reason="该事项属规划分局职责，请改派。")
            continue
        if end == "parked":
            move(Status.PARKED, 5, reason="待省级专项资金下达", review_on=today + timedelta(days=20))
            continue
        if end in ("assigned", "overdue", "escalated"):
            if end != "assigned":
                move(Status.HANDLING, 3)
            continue
        move(Status.HANDLING, 2)
        if end == "handling":
            continue
        if end == "closed_late":  # two working days late: before the sweep would have escalated it
            move(Status.CLOSE_REQUESTED, on=add_workdays(problem.due_date, 1))
            move(Status.CLOSED, on=add_workdays(problem.due_date, 2), rating=3, comment="办结偏慢，请加强跟踪")
            continue
        move(Status.CLOSE_REQUESTED, days_after=min(workdays, days_ago - 1))
        if end == "closed":
            move(Status.CLOSED, days_after=min(workdays + 2, days_ago), rating=next(ratings), comment="办理及时")
    for day in sweep_days(today) if sweeps else ():  # the worker's escalation sweeps, day by day
        with history.on(day, at=time(7)):
            sweep(day)
    return len(PROBLEMS)
