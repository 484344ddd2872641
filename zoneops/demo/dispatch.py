"""Demo 督办调度: the zone's weekly 调度会 (周调度) of the last four weeks and a few 领导批示, written through
:mod:`zoneops.dispatch.services` in the order things happened.

Each meeting is created on its day (its agenda built from the data as of that day), takes attendance,
records decisions (督办事项 for units, or an opinion on a problem) and is held with a summary, which
queues its minutes for the worker (:func:`write_demo_minutes` runs those jobs at once; the ``demo``
command does, after loading). The tasks then move on the days their units handle them, so the next meeting's
agenda lists exactly what was still open, most tasks end 已办结, one runs overdue, one comes back 退回,
and each business login has something waiting. Deterministic for a given ``today``.
"""

import heapq
from datetime import time, timedelta
from itertools import count

from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.core.dates import cn_month_day
from zoneops.core.workdays import add_workdays
from zoneops.demo.history import History
from zoneops.demo.problems import sweep, sweep_days
from zoneops.dispatch import services
from zoneops.dispatch.choices import AgendaKind, DecisionKind, MeetingKind, MeetingStatus, TaskStatus
from zoneops.dispatch.models import Meeting, Task
from zoneops.dispatch.selectors import MINUTES_JOB
from zoneops.org.models import Person, Unit
from zoneops.projects.models import Project

WEEKS = 4
ORGANISER = "demo-xm"  # the project office runs the meetings and records the decisions
PLACE = "管委会三楼第一会议室"
# Units asked to every meeting, with the demo person who comes; ABSENT: who sent apologies, by meeting.
ATTENDING = [("jkq-xmb", "demo-xm"), ("jkq-zsj", "demo-zs"), ("jkq-sp", None), ("jkq-gh", None), ("jkq-tc", None),
             ("jkq-zj", None), ("jkq-hb", None), ("jkq-xsz", "demo-town-a"), ("jkq-lbz", "demo-town-b"),
             ("jkq-xyz", None), ("jkq-gdz", None), ("jkq-gxy", None)]
ABSENT = {0: ("jkq-hb", "请假（参加省厅环评培训），书面汇报"), 2: ("jkq-gdz", "请假，由副镇长代会")}
PROJECT_ITEMS = (AgendaKind.RED_LIGHT, AgendaKind.BLACK_FLAG, AgendaKind.REPORT_MISSING)
PROBLEM_ITEMS = (AgendaKind.PROBLEM_ESCALATED, AgendaKind.PROBLEM_OVERDUE, AgendaKind.PROBLEM_DUE)

# A task's life after it is issued: (status, working days after issue, who, reason). "owner" is the owner
# unit's demo person (the system operator for units without one), "issuer" who issued it.
ON_TIME = [(TaskStatus.HANDLING, 1, "owner", ""), (TaskStatus.DONE_REQUESTED, 2, "owner", "已按会议要求办结。"),
           (TaskStatus.CLOSED, 3, "issuer", "")]
LATE = [(TaskStatus.HANDLING, 2, "owner", ""), (TaskStatus.DONE_REQUESTED, 6, "owner", "已办结，因协调企业延误两天。"),
        (TaskStatus.CLOSED, 7, "issuer", "")]
SIGNED = [(TaskStatus.HANDLING, 1, "owner", "")]
ASKED = [(TaskStatus.HANDLING, 1, "owner", ""), (TaskStatus.DONE_REQUESTED, 3, "owner", "已完成，请审核。")]
RETURNED = [(TaskStatus.RETURNED, 1, "owner", "该事项属土地储备中心职责，请改派。")]
SLOW = [(TaskStatus.HANDLING, 1, "owner", ""), (TaskStatus.DONE_REQUESTED, 12, "owner", "主体已封顶，转入配套施工。"),
        (TaskStatus.CLOSED, 13, "issuer", "")]
NEW = []

# Per meeting, oldest first: (owner unit, decision, working days to do it, life). A unit whose project is
# on the agenda gets the decision on that item; ``None`` as days makes it an opinion on a problem item.
DECISIONS = [
    [("jkq-zj", "协调供电公司本周内完成专线接入方案批复", 5, ON_TIME),
     ("jkq-xsz", "督促企业补报进度并上传现场照片，下次调度会前补齐", 3, ON_TIME),
     ("jkq-gh", "会同项目单位优化总平面方案，加快规划许可办理", 5, LATE),
     ("jkq-zj", "住建局约谈燃气公司，倒排管道施工计划，每周报告进展", None, NEW)],
    [("jkq-lbz", "龙背镇牵头解决施工便道临时占地，三日内清表", 3, SIGNED),  # the one that runs overdue
     ("jkq-zj", "住建局督促燃气公司月底前实现通气", None, NEW),
     ("jkq-hb", "生态环境分局加快环评技术审查，压缩审批时间", 5, ON_TIME),
     ("jkq-zsj", "招商局对接企业总部，确认二期投资计划和开工时间", 5, ON_TIME)],
    [("jkq-sp", "行政审批服务局为重点项目开通并联审批绿色通道", 10, ASKED),
     ("jkq-xsz", "辛市镇协调解决企业普工招聘，组织专场招聘会", 10, SIGNED),
     ("jkq-gh", "规划分局核实用地红线并出具意见", 10, RETURNED),
     ("jkq-tc", "土地储备中心一周内完成土地证办理，逾期约谈", None, NEW),
     ("jkq-lbz", "龙背镇督促企业按月报送形象进度", 5, ON_TIME)],
    [("jkq-xsz", "辛市镇督促项目单位本周内完成设备进场", 5, NEW),
     ("jkq-lbz", "龙背镇配合完成冷链仓储项目燃气管道施工占道审批", 5, NEW),
     ("jkq-zsj", "招商局牵头对接新能源汽车产业链配套企业", 5, NEW),
     ("jkq-zj", "住建局组织园区道路雨污管网联合验收", 8, SIGNED)],
]
# 领导批示 of demo-leader: (owner unit, title, instruction, issued days ago, due, life, project name).
# ``due``: working days after issue, or ("from_today", n) to be due in n working days from today.
INSTRUCTIONS = [
    ("jkq-xmb", "关于加快标准化厂房二期建设进度的批示",
     "标准化厂房二期关系多家企业入驻，请项目办倒排工期、挂图作战，月底前主体封顶。", 34, 15, SLOW,
     "标准化厂房（二期）建设项目"),
    ("jkq-zj", "关于冷链仓储项目供气协议的批示", "请住建局督促燃气公司与企业签订供气协议，明确通气时间，每周报告进展。",
     9, 8, ASKED, None),
    ("jkq-zsj", "关于新能源汽车产业链精准招商的批示", "请招商局梳理产业链缺失环节，形成目标企业清单，本周内报我。",
     3, ("from_today", 2), SIGNED, None),
]


def meeting_days(today, weeks=WEEKS):
    """The first working day of each of the last ``weeks`` weeks that has one by ``today``, oldest first
    (a week of 国庆 holidays has no meeting)."""
    monday = today - timedelta(days=today.weekday())
    days = []
    while len(days) < weeks:
        day = add_workdays(monday - timedelta(days=1), 1)
        if day <= min(today, monday + timedelta(days=6)):
            days.append(day)
        monday -= timedelta(weeks=1)
    return days[::-1]


class DemoDispatch:
    """Replays the demo's dispatch history in date order: each step is (day, time, callable)."""

    def __init__(self, today):
        self.today = today
        self.history = History()
        people = Person.objects.filter(username__startswith="demo-").select_related("unit")
        self.people = {person.username: person for person in people}
        self.units = {unit.code: unit for unit in Unit.objects.filter(code__startswith="jkq-")}
        self.zone = Unit.objects.get(code="wn-jkq")
        self.by_unit = {person.unit.code: person for person in self.people.values() if person.unit.code in self.units}
        self.organiser = Actor(person=self.people[ORGANISER])
        self._steps, self._order = [], count()
        self.meetings = []

    def at(self, day, clock, step):
        heapq.heappush(self._steps, (min(day, self.today), clock, next(self._order), step))

    def run(self):
        while self._steps:
            day, clock, _n, step = heapq.heappop(self._steps)
            with self.history.on(day, at=clock):
                step(day)

    # --- Tasks --------------------------------------------------------------------------------------------

    def _actor(self, task, who):
        if who == "issuer":
            return Actor(person=task.issued_by) if task.issued_by_id else Actor.system()
        person = self.by_unit.get(task.owner_unit.code)
        return Actor(person=person) if person is not None else Actor.system()

    def follow(self, task, life):
        """Schedule the task's moves, each on its working day after the issue (never after today)."""
        previous = task.issued_on
        for status, workdays, who, reason in life:
            day = max(min(add_workdays(task.issued_on, workdays), self.today), previous)
            previous = day

            def step(on, status=status, who=who, reason=reason):
                services.task_transition(actor=self._actor(task, who), task=task, to_status=status, reason=reason,
                                         on=on)

            self.at(day, time(16), step)

    def instruction(self, owner, title, text, days_ago, due, life, project_name):
        issued_on = self.today - timedelta(days=days_ago)
        due_date = (add_workdays(self.today, due[1]) if isinstance(due, tuple)
                    else max(add_workdays(issued_on, due), issued_on))
        project = Project.objects.filter(name=project_name).first() if project_name else None

        def step(on):
            task = services.task_issue(actor=Actor(person=self.people["demo-leader"]), title=title, instruction=text,
                                       owner_unit=self.units[owner], due_date=due_date, project=project,
                                       issued_on=on)
            self.follow(task, life)

        self.at(issued_on, time(15), step)

    # --- Meetings -----------------------------------------------------------------------------------------

    def meeting(self, index, day):
        def create(on):
            week = on.isocalendar()
            meeting = services.meeting_create(
                actor=self.organiser, kind=MeetingKind.WEEKLY, title=f"{week.year}年第{week.week}周项目调度会",
                unit=self.zone, held_on=on, place=PLACE, chair=self.people["demo-leader"], today=on)
            self.meetings.append(meeting)
            self.at(on, time(9), lambda on: self.attendance(index, meeting))
            self.at(on, time(10), lambda on: self.decisions(index, meeting))
            self.at(on, time(11, 30), lambda on: self.hold(meeting))

        self.at(day, time(8, 30), create)

    def attendance(self, index, meeting):
        absent_unit, note = ABSENT.get(index, (None, ""))
        rows = [{"unit": self.units[code], "person": self.people.get(username), "present": code != absent_unit,
                 "note": note if code == absent_unit else ""} for code, username in ATTENDING]
        services.attendance_save(actor=self.organiser, meeting=meeting, rows=rows)

    def decisions(self, index, meeting):
        agenda = list(meeting.agenda.select_related("unit", "problem__responsible_unit"))
        for code, text, workdays, life in DECISIONS[index]:
            if workdays is None:  # an opinion on the unit's problem on the agenda
                item = next((i for i in agenda if i.kind in PROBLEM_ITEMS and i.problem.responsible_unit.code == code),
                            None)
                if item is not None:
                    services.decision_record(actor=self.organiser, meeting=meeting, kind=DecisionKind.PROBLEM,
                                             text=text, agenda_item=item)
                continue
            item = next((i for i in agenda if i.kind in PROJECT_ITEMS and i.unit and i.unit.code == code), None)
            decision = services.decision_record(
                actor=self.organiser, meeting=meeting, text=text, owner_unit=self.units[code],
                due_date=add_workdays(meeting.held_on, workdays), agenda_item=item,
                owner_person=self.by_unit.get(code))
            self.follow(decision.task, life)

    def hold(self, meeting):
        agenda = list(meeting.agenda.values_list("kind", flat=True))
        projects = sum(1 for kind in agenda if kind in PROJECT_ITEMS)
        problems = sum(1 for kind in agenda if kind in PROBLEM_ITEMS)
        carried = agenda.count(AgendaKind.OPEN_DECISION)
        decided = meeting.decisions.count()
        chair = self.people["demo-leader"]
        summary = (f"{cn_month_day(meeting.held_on)}上午，{chair.title}{chair.name}主持召开项目调度会。会议逐一听取了"
                   f"{projects}个红灯、黑旗和缺报项目、{problems}个超期及升级问题"
                   + (f"、上次会议{carried}项未办结事项" if carried else "")
                   + f"的情况汇报，形成决定{decided}项。会议要求各责任单位对照时限抓好落实，项目办跟踪督办，"
                     "下次调度会通报办理情况。")
        # Held by the organiser, as on the page: the minutes are queued for the worker (`zoneops serve` runs it).
        services.meeting_hold(actor=self.organiser, meeting=meeting, summary=summary)


def build_demo_dispatch(today=None, *, problem_sweeps=False):
    """Load the demo meetings and tasks once (skipped when there are any). Returns the number of meetings.

    ``problem_sweeps``: also run the problems' daily escalation sweeps (:func:`.problems.sweep_days`), in
    date order with the meetings, so each agenda shows a problem at the level it had reached that day."""
    today = today or timezone.localdate()
    demo = DemoDispatch(today)
    if problem_sweeps:
        for day in sweep_days(today):
            demo.at(day, time(7), sweep)
    loaded = Meeting.objects.unscoped().exists() or Task.objects.unscoped().exists()  # unscoped: the whole zone
    if not loaded:
        for index, day in enumerate(meeting_days(today)):
            demo.meeting(index, day)
        for instruction in INSTRUCTIONS:
            demo.instruction(*instruction)
    demo.run()
    if loaded:
        return 0
    with demo.history.on(today):
        services.remind_due_tasks(today=today)  # the worker's reminder sweep of today
    return len(demo.meetings)


def write_demo_minutes():
    """Write the minutes of the demo's held meetings now: run their queued minutes jobs as the worker would
    (the job calls ``services.minutes_write``), so the meetings have their 会议纪要 and the organiser's
    我的下载 shows the jobs done. ~0.7 s per meeting (the PDF), hence not part of :func:`build_demo_dispatch`.

    Returns (written, failed) counts; a failed job keeps its error for 我的下载 and the log."""
    from zoneops.jobs.models import Job
    from zoneops.jobs.services import job_execute

    meetings = set(Meeting.objects.unscoped().filter(status=MeetingStatus.HELD).values_list("pk", flat=True))
    queued = [job.pk for job in Job.objects.filter(kind=MINUTES_JOB, status=Job.Status.QUEUED).order_by("pk")
              if job.params.get("meeting") in meetings]
    outcomes = [job_execute(job_id=pk) for pk in queued]
    done = sum(1 for job in outcomes if job is not None and job.status == Job.Status.DONE)
    return done, sum(1 for job in outcomes if job is not None and job.status == Job.Status.FAILED)
