"""The demo zone: a city with an economic development zone, its departments, townships and people.

Units, people and grants are created through the services, so the demo is audited like real data
entry; the projects, problems and dispatch history by :mod:`.projects`, :mod:`.problems` and :mod:`.dispatch`.
"""

import secrets
import string

from django.conf import settings
from django.db import transaction

from zoneops.audit.context import Actor
from zoneops.demo.dispatch import build_demo_dispatch
from zoneops.demo.problems import build_demo_problems
from zoneops.demo.projects import build_demo_projects
from zoneops.org import services
from zoneops.org.models import Person, Role, Scope, Unit, UnitKind

ZONE_CODE = "wn-jkq"

# (code, name, kind, children)
TREE = ("sx", "陕西省", UnitKind.PROVINCE, [
    ("wn", "渭南市", UnitKind.CITY, [
        (ZONE_CODE, "渭南经济技术开发区", UnitKind.ZONE, [
            ("jkq-gwh", "管委会办公室", UnitKind.DEPARTMENT, []),
            ("jkq-zsj", "招商局", UnitKind.DEPARTMENT, [
                ("jkq-zs-bj", "驻北京招商组", UnitKind.REMOTE_OFFICE, []),
                ("jkq-zs-sh", "驻上海招商组", UnitKind.REMOTE_OFFICE, []),
                ("jkq-zs-sz", "驻深圳招商组", UnitKind.REMOTE_OFFICE, []),
            ]),
            ("jkq-xmb", "项目办（经济发展局）", UnitKind.DEPARTMENT, []),
            ("jkq-tjj", "统计局", UnitKind.DEPARTMENT, []),
            ("jkq-gh", "规划分局", UnitKind.DEPARTMENT, []),
            ("jkq-tc", "土地储备中心", UnitKind.DEPARTMENT, []),
            ("jkq-zj", "住房和城乡建设局", UnitKind.DEPARTMENT, []),
            ("jkq-hb", "生态环境分局", UnitKind.DEPARTMENT, []),
            ("jkq-sp", "行政审批服务局", UnitKind.DEPARTMENT, []),
            ("jkq-xsz", "辛市镇", UnitKind.TOWNSHIP, []),
            ("jkq-lbz", "龙背镇", UnitKind.TOWNSHIP, []),
            ("jkq-xyz", "孝义镇", UnitKind.TOWNSHIP, []),
            ("jkq-gdz", "官道镇", UnitKind.TOWNSHIP, []),
            ("jkq-ygz", "阳郭镇", UnitKind.TOWNSHIP, []),
            ("jkq-qnz", "桥南镇", UnitKind.TOWNSHIP, []),
            ("jkq-cnz", "崇宁镇", UnitKind.TOWNSHIP, []),
            ("jkq-xinyi", "信义街道", UnitKind.TOWNSHIP, []),
            ("jkq-gxy", "高新技术产业园", UnitKind.PARK, []),
            ("jkq-zb-xm", "重点项目推进专班", UnitKind.TASK_FORCE, []),
            ("jkq-zb-xny", "新能源汽车产业链专班", UnitKind.TASK_FORCE, []),
        ]),
    ]),
])

# (username, name, title, unit code, phone, role, scope)
DEMO_USERS = [
    ("demo-admin", "王建国", "系统管理员", "jkq-gwh", "13809130001", "system_admin", Scope.ALL),
    ("demo-security", "李安平", "安全管理员", "jkq-gwh", "13809130002", "security_admin", Scope.ALL),
    ("demo-auditor", "赵审言", "审计管理员", "jkq-gwh", "13809130003", "auditor", Scope.ALL),
    ("demo-leader", "陈志远", "管委会主任", ZONE_CODE, "13809130004", "leader", Scope.UNIT_TREE),
    ("demo-zs", "刘招商", "招商局局长", "jkq-zsj", "13809130005", "investment", Scope.UNIT_TREE),
    ("demo-xm", "张项目", "项目办主任", "jkq-xmb", "13809130006", "projects", Scope.UNIT_TREE),
    ("demo-town-a", "孙辛市", "辛市镇副镇长", "jkq-xsz", "13809130007", "township", Scope.UNIT),
    ("demo-town-b", "周龙背", "龙背镇副镇长", "jkq-lbz", "13809130008", "township", Scope.UNIT),
]
# Where a demo user's unit_tree grant is anchored when it is not their own unit.
GRANT_ANCHORS = {"demo-xm": ZONE_CODE}
# Second grants: demo-town-a is also 项目专员 (仅本人) of the 辛市镇 projects that name them so; demo-zs also
# handles what is handed to 招商局 as a department (问题, 督办事项: the 招商业务 role has neither).
EXTRA_GRANTS = [("demo-town-a", "commissioner", Scope.OWN), ("demo-zs", "department", Scope.UNIT)]


def random_password():
    """A random password that passes the complexity rules (all four character classes)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Zo{core}#{secrets.randbelow(10)}a"


def _ensure_units(actor, node, parent=None):
    code, name, kind, children = node
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = services.unit_create(actor=actor, parent=parent, code=code, name=name, kind=kind)
    for child in children:
        _ensure_units(actor, child, unit)


def _ensure_extra_grants(actor):
    for username, role_code, scope in EXTRA_GRANTS:
        person = Person.objects.get(username=username)
        if not person.grants.filter(role__code=role_code, scope=scope).exists():
            services.grant_create(actor=actor, person=person, role=Role.objects.get(code=role_code), scope=scope)


@transaction.atomic
def build_demo_zone(password=None, today=None):
    """Create (or complete) the demo zone and, when it has none, its projects.

    Returns (password used or None if unchanged, users).
    """
    actor = Actor.system()
    _ensure_units(actor, TREE)
    password = password or settings.ZONEOPS_DEMO_PASSWORD or None
    created_any = False
    for username, name, title, unit_code, phone, role_code, scope in DEMO_USERS:
        person = Person.objects.filter(username=username).first()
        if person is None:
            created_any = True
            password = password or random_password()
            unit = Unit.objects.get(code=unit_code)
            person = services.person_create(actor=actor, username=username, name=name, unit=unit, title=title,
                                            phone=phone, password=password)
            anchor = Unit.objects.get(code=GRANT_ANCHORS[username]) if username in GRANT_ANCHORS else None
            services.grant_create(actor=actor, person=person, role=Role.objects.get(code=role_code), scope=scope,
                                  unit=anchor)
        elif settings.ZONEOPS_DEMO_PASSWORD:
            person.set_password(settings.ZONEOPS_DEMO_PASSWORD)
            person.save(update_fields=["password"])
        # Demo accounts are for trying the product: no forced change at first sign-in.
        Person.objects.filter(pk=person.pk).update(must_change_password=False)
    _ensure_extra_grants(actor)
    build_demo_projects(today=today)
    # The problems' escalation sweeps run with the meetings, day by day, so each agenda sees the problems'
    # levels of its own day.
    problems = build_demo_problems(today=today, sweeps=False)
    build_demo_dispatch(today=today, problem_sweeps=bool(problems))
    return (password if created_any or settings.ZONEOPS_DEMO_PASSWORD else None), DEMO_USERS
