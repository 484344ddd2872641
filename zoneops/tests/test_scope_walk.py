"""The generated scope test: every URL and every API operation, as every demo persona.

A dataset puts objects of every scoped model on both sides of each persona's scope line (in 辛市镇 A,
龙背镇 B, 招商局 Z and a unit outside the zone X). Then, for each persona of the demo, the test walks

- every URL pattern of the URL resolver (GET, then POST with the fields of a form found for it),
- every operation of the OpenAPI document (its own method, with a body built from its schema),

with every path parameter replaced by the id of an object the persona may not see. The objects of one
side share their primary key across models (all A rows are id 10000, B 20000, ...), so one id stands for
"the A object" whatever model a URL loads. It fails when a response shows the name of an object the
persona may not see, or when a row the persona may not see was created, changed or deleted.

Nothing here lists the URLs or the models: a new URL or API operation is walked without being named,
and a new scoped model fails ``test_dataset_covers_every_scoped_model`` until the dataset has rows of it.
What a persona may see is worked out from the demo's declared grants (``zoneops.demo.zone``) and the unit
tree, independently of ``restrict()``.
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from PIL import Image

from zoneops.accounts.services import token_create
from zoneops.audit.context import Actor
from zoneops.core.periods import period_containing
from zoneops.demo.zone import DEMO_USERS, EXTRA_GRANTS, GRANT_ANCHORS, TREE, _ensure_units
from zoneops.dispatch import services as dispatch_services
from zoneops.dispatch.choices import MeetingKind, TaskStatus
from zoneops.enterprises import services as enterprise_services
from zoneops.enterprises.tests.factories import VALID_CODES
from zoneops.exchange.intake import services as intake
from zoneops.notifications.services import robot_save
from zoneops.org import services as org_services
from zoneops.org.models import Person, Role, Scope, Unit, UnitKind
from zoneops.org.roles import BUILTIN_ROLES
from zoneops.org.scope import SELF
from zoneops.problems import services as problem_services
from zoneops.problems.models import ProblemCategory
from zoneops.projects import services
from zoneops.projects.choices import ApprovalStage, Stage
from zoneops.projects.models import ProjectRules

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system()
# Side → (unit code the side's objects belong to, primary key shared by the side's rows of every model).
SIDES = {"A": ("jkq-xsz", 10000), "B": ("jkq-lbz", 20000), "Z": ("jkq-zsj", 30000), "X": ("sentinel-x", 40000)}
X_PARENT = "wn"  # X sits under the city, outside the zone every zone persona is anchored to
# The demo's admins hold 全部, so nothing can leak to them through the admin pages: the walk adds admins
# limited to one township (username, unit code, role, scope).
LIMITED_ADMINS = [("walk-xsz-sysadmin", "jkq-xsz", "system_admin", Scope.UNIT_TREE),
                  ("walk-xsz-security", "jkq-xsz", "security_admin", Scope.UNIT_TREE)]
PERSONAS = [username for username, *_ in DEMO_USERS] + [username for username, *_ in LIMITED_ADMINS]

# Route names not walked, each with the reason. Everything else is walked.
SKIP = {
    "accounts:logout": "ends the persona's session",
    "accounts:login": "the anonymous sign-in page; posting it would only count failed sign-ins",
    "accounts:password_change": "would change the persona's own password mid-walk",
    "api:openapi-view": "static documentation page (the document itself is walked)",
}
SKIP_NAMESPACE = {"api": "walked below from the OpenAPI document, with each operation's method and body"}
# Pages that show what was posted to the group robots of units the persona manages (the robot's group reads
# it anyway): route name → the permissions whose grant must reach the object's unit.
POSTED = {"notifications:robots": {"unit.manage"}}

# Which permissions legitimately show an object of each kind somewhere (a list, a choice in a form).
REVEALS = {
    "unit": {"unit.view", "unit.manage", "person.manage", "grant.manage", "project.edit"},
    "person": {"person.view", "person.manage", "grant.manage", "account.unlock"},
    "project": {"project.view", "project.edit", "project.stage", "project.report", "project.review",
                "project.approval", "project.rules", "project.replan"},
    "problem": {"problem.view", "problem.raise", "problem.assign", "problem.handle", "problem.close",
                "problem.rules"},
    "enterprise": {"enterprise.view", "enterprise.edit", "enterprise.contact"},
    "enterprise_phone": {"enterprise.contact"},  # a contact's full phone; others see it masked
    "task": {"task.view", "task.issue", "task.handle"},
    "meeting": {"meeting.view", "meeting.manage"},
}


# --- Who may see what, from the demo's declarations --------------------------------------------------------

def _parents():
    parents = {}

    def walk(node, parent):
        code, _name, _kind, children = node
        parents[code] = parent
        for child in children:
            walk(child, code)

    walk(TREE, None)
    parents["sentinel-x"] = X_PARENT
    for side, (code, _pk) in SIDES.items():
        parents[f"sentinel-{side.lower()}-sub"] = code
        parents[f"sentinel-{side.lower()}-co"] = code  # a problem's co-unit (its name is no sentinel)
    return parents


PARENTS = _parents()


def _lineage(code):
    while code is not None:
        yield code
        code = PARENTS.get(code)


@dataclass(frozen=True)
class DeclaredGrant:
    permissions: frozenset
    scope: str
    anchor: str  # unit code


def _declared_grants():
    permissions = {spec["code"]: frozenset(spec["permissions"]) for spec in BUILTIN_ROLES}
    grants = {}
    for username, _name, _title, unit_code, _phone, role, scope in DEMO_USERS:
        anchor = GRANT_ANCHORS.get(username, unit_code)
        grants[username] = [DeclaredGrant(permissions[role], scope, anchor)]
    for username, role, scope in EXTRA_GRANTS:
        unit_code = next(row[3] for row in DEMO_USERS if row[0] == username)
        grants[username].append(DeclaredGrant(permissions[role], scope, unit_code))
    for username, unit_code, role, scope in LIMITED_ADMINS:
        grants[username] = [DeclaredGrant(permissions[role], scope, unit_code)]
    return grants


GRANTS = _declared_grants()


def reaches(username, unit_codes, owners, reveal=None):
    """Whether some grant of the persona (holding a permission in ``reveal``, if given) reaches the row."""
    for grant in GRANTS[username]:
        if reveal is not None and not grant.permissions & reveal:
            continue
        if grant.scope == Scope.ALL:
            return True
        if grant.scope == Scope.UNIT_TREE and any(grant.anchor in _lineage(code) for code in unit_codes):
            return True
        if grant.scope == Scope.UNIT and grant.anchor in unit_codes:
            return True
        if grant.scope == Scope.OWN and username in owners:
            return True
    return False


@dataclass
class Sentinel:
    side: str
    text: str  # unique text that appears wherever the object is shown
    kind: str  # a key of REVEALS
    unit: str
    owners: tuple = ()
    also: tuple = ()  # other unit codes it is shown through (a meeting through the units that attend it)

    def visible_to(self, username):
        return reaches(username, {self.unit, *self.also}, self.owners, REVEALS[self.kind])


# --- The dataset -------------------------------------------------------------------------------------------

def scoped_models():
    return [model for model in apps.get_models() if getattr(model, "scope_unit_fields", None)]


def _next_ids_from(pk):
    """Make the next row of every scoped model get ``pk`` (the side's shared id)."""
    with connection.cursor() as cursor:
        for model in scoped_models():
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [pk - 1, table])
                if not cursor.rowcount:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, pk - 1])
            else:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, pk - 1])


def _photo(marker):
    """A JPEG whose EXIF description carries ``marker``, so the served bytes name the object."""
    image = Image.new("RGB", (8, 8), "white")
    exif = image.getexif()
    exif[0x010E] = marker  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"{marker}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _side(side, today, people):
    """Objects of every scoped model in one side, each with its own unique text."""
    code, pk = SIDES[side]
    _next_ids_from(pk)
    if side == "X":
        unit = org_services.unit_create(actor=SYSTEM, parent=Unit.objects.get(code=X_PARENT), code=code,
                                        name=f"哨兵{side}单位", kind=UnitKind.ZONE)
        sentinels = [Sentinel(side, unit.name, "unit", code)]
    else:
        unit = Unit.objects.get(code=code)
        sub = org_services.unit_create(actor=SYSTEM, parent=unit, code=f"sentinel-{side.lower()}-sub",
                                       name=f"哨兵{side}单位", kind=UnitKind.DEPARTMENT)
        sentinels = [Sentinel(side, sub.name, "unit", sub.code)]
    person = org_services.person_create(actor=SYSTEM, username=f"sentinel-{side.lower()}", name=f"哨兵{side}人员",
                                        unit=unit)
    org_services.grant_create(actor=SYSTEM, person=person, role=Role.objects.get(code="township"),
                              scope=Scope.UNIT)
    project = services.project_create(
        actor=SYSTEM, name=f"哨兵{side}项目", enterprise=f"哨兵{side}企业", responsible_unit=unit,
        total_investment=90_000_000, year_plan_investment=10_000_000, planned_start=today - timedelta(days=200),
        planned_completion=today + timedelta(days=400), leader=person)
    services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.STARTED,
                                  reason=f"哨兵{side}变更", effective_on=today - timedelta(days=150))
    project.refresh_from_db()
    milestone = services.milestone_add(actor=SYSTEM, project=project, name=f"哨兵{side}节点", planned_date=today)
    # A township's plan adjustment stays a pending request (MilestoneReplan) for the project office.
    services.milestone_update(actor=Actor(person=person), milestone=milestone, planned_date=today + timedelta(30),
                              reason=f"哨兵{side}调整")
    period = period_containing(ProjectRules.current().report_frequency, today).previous()
    report = services.progress_report_submit(actor=SYSTEM, project=project, period_key=period.key, invested=1_000_000,
                                             progress_text=f"哨兵{side}旧版", percent=10)
    # Re-filed: the first version is kept as a ProgressReportRevision.
    services.progress_report_submit(actor=SYSTEM, project=project, period_key=period.key, invested=1_000_000,
                                    progress_text=f"哨兵{side}进度", percent=10, photos=[_photo(f"ZO-PHOTO-{side}")],
                                    expected_version=report.version)
    services.stats_inclusion_save(actor=SYSTEM, project=project, planned_year=today.year, planned_quarter=4,
                                  status="planned", documents={}, note=f"哨兵{side}纳统")
    services.approval_save(actor=SYSTEM, project=project, name=f"哨兵{side}审批", stage=ApprovalStage.LAND_PLANNING,
                           limit_workdays=20, department=unit)
    services.stats_target_save(actor=SYSTEM, unit=unit, year=today.year, quarter=4, target_count=7)
    services.rules_update(actor=SYSTEM, unit=unit, report_window_days=5)  # the unit's own rules row
    intake.template_save(actor=SYSTEM, unit=unit, kind="projects", name=f"哨兵{side}模板", labels=["项目名称"],
                         mapping={0: "name"}, money_unit="万元")  # the unit's import template
    intake.alias_save(actor=SYSTEM, unit=unit, alias=f"哨兵{side}简称", target=unit)
    # A second project without a statistics plan (应列未列) and, in B, one whose 项目专员 is demo-town-a (仅本人).
    candidate = services.project_create(
        actor=SYSTEM, name=f"哨兵{side}候选", enterprise=f"哨兵{side}候选企业", responsible_unit=unit,
        total_investment=90_000_000, commissioner=people["demo-town-a"] if side == "B" else None)
    services.project_change_stage(actor=SYSTEM, project=candidate, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=today - timedelta(days=150))
    # A problem of the side's unit with a co-unit beneath it, and the unit's own problem rules.
    # A problem's page names its co-units, which its viewers may see whatever their unit scope: the
    # co-unit's name is no sentinel (the row linking it is, through the shared id).
    co_unit = org_services.unit_create(actor=SYSTEM, parent=unit, code=f"sentinel-{side.lower()}-co",
                                       name=f"协办{side}", kind=UnitKind.DEPARTMENT)
    category = ProblemCategory.objects.get(name="土地")
    problem_services.problem_raise(actor=SYSTEM, title=f"哨兵{side}问题", category=category,
                                   description=f"哨兵{side}问题描述", raising_unit=unit, responsible_unit=unit,
                                   co_units=[co_unit], project=project)
    problem_services.rules_update(actor=SYSTEM, unit=unit, escalate_after_workdays=3)
    robot_save(actor=SYSTEM, unit=unit, kind="wecom", webhook_url=f"https://qyapi.weixin.qq.com/x?key={side}")
    sentinels += [Sentinel(side, f"哨兵{side}问题", "problem", code)]
    enterprise_services.enterprise_create(
        actor=SYSTEM, unit=unit, name=f"哨兵{side}登记公司", uscc=VALID_CODES[list(SIDES).index(side)],
        former_names=[f"哨兵{side}曾用名"], contacts=[{"name": f"哨兵{side}联系人", "phone": f"1350{pk:07d}"}])
    sentinels += [Sentinel(side, f"哨兵{side}{what}", "enterprise", code) for what in ("登记公司", "曾用名", "联系人")]
    sentinels += [Sentinel(side, f"1350{pk:07d}", "enterprise_phone", code)]
    sentinels += _dispatch(side, unit, today)
    owners = ("demo-town-a",) if side == "B" else ()
    sentinels += [Sentinel(side, person.name, "person", code), Sentinel(side, person.username, "person", code)]
    sentinels += [Sentinel(side, f"哨兵{side}{what}", "project", code)
                  for what in ("项目", "企业", "节点", "进度", "审批", "纳统", "旧版", "调整", "模板")]
    sentinels += [Sentinel(side, f"ZO-PHOTO-{side}", "project", code),
                  Sentinel(side, f"哨兵{side}候选", "project", code, owners)]
    return sentinels


# A side's meeting is also attended by another side's township, which then sees the meeting but not its
# agenda items and decisions (they concern the organising unit only).
GUESTS = {"A": "jkq-lbz", "B": "jkq-xsz"}


def _dispatch(side, unit, today):
    """A 督办事项 of the side's unit with its timeline (交办, 状态变更, 办理进展), and the unit's 调度会 with an
    agenda item, attendees (the unit and its guest) and a decision (which issues a second task, titled after
    the item). The first row of each dispatch model takes the side's shared id."""
    due = today + timedelta(days=10)
    task = dispatch_services.task_issue(actor=SYSTEM, title=f"哨兵{side}督办", instruction=f"哨兵{side}批示",
                                        issuing_unit=unit, owner_unit=unit, due_date=due)
    dispatch_services.task_transition(actor=SYSTEM, task=task, to_status=TaskStatus.HANDLING, reason="")
    dispatch_services.task_note(actor=SYSTEM, task=task, text=f"哨兵{side}进展")
    meeting = dispatch_services.meeting_create(actor=SYSTEM, kind=MeetingKind.WEEKLY, title=f"哨兵{side}调度会",
                                               unit=unit, held_on=today)
    item = dispatch_services.agenda_add(actor=SYSTEM, meeting=meeting, title=f"哨兵{side}议题", unit=unit)
    guests = [Unit.objects.get(code=GUESTS[side])] if side in GUESTS else []
    dispatch_services.attendance_save(actor=SYSTEM, meeting=meeting, rows=[{"unit": unit, "note": f"哨兵{side}出席"}]
                                      + [{"unit": guest} for guest in guests])
    dispatch_services.decision_record(actor=SYSTEM, meeting=meeting, text=f"哨兵{side}决定", owner_unit=unit,
                                      due_date=due, agenda_item=item)
    return ([Sentinel(side, f"哨兵{side}{what}", "task", unit.code) for what in ("督办", "批示", "进展")]
            + [Sentinel(side, f"哨兵{side}调度会", "meeting", unit.code,
                        also=(GUESTS[side],) if side in GUESTS else ())]
            + [Sentinel(side, f"哨兵{side}{what}", "meeting", unit.code) for what in ("议题", "出席", "决定")])


@pytest.fixture
def world(tree_free_db):
    today = timezone.localdate()
    _ensure_units(SYSTEM, TREE)
    people = {}
    for username, name, title, unit_code, _phone, role, scope in DEMO_USERS:
        person = org_services.person_create(actor=SYSTEM, username=username, name=name, title=title,
                                            unit=Unit.objects.get(code=unit_code))
        anchor = Unit.objects.get(code=GRANT_ANCHORS[username]) if username in GRANT_ANCHORS else None
        org_services.grant_create(actor=SYSTEM, person=person, role=Role.objects.get(code=role), scope=scope,
                                  unit=anchor)
        people[username] = person
    for username, role, scope in EXTRA_GRANTS:
        org_services.grant_create(actor=SYSTEM, person=people[username], role=Role.objects.get(code=role),
                                  scope=scope)
    for username, unit_code, role, scope in LIMITED_ADMINS:
        people[username] = org_services.person_create(actor=SYSTEM, username=username, name=username,
                                                      unit=Unit.objects.get(code=unit_code))
        org_services.grant_create(actor=SYSTEM, person=people[username], role=Role.objects.get(code=role),
                                  scope=scope)
    Person.objects.update(must_change_password=False)
    ProjectRules.current()  # the platform default row exists before the sides take their shared ids
    sentinels = [sentinel for side in SIDES for sentinel in _side(side, today, people)]
    return type("World", (), {"people": people, "sentinels": sentinels})


@pytest.fixture
def tree_free_db(db):
    """The demo's own unit tree is built by the test (the shared ``tree`` fixture is not used)."""


# --- Rows a persona may not see, for the write check --------------------------------------------------------

def _unit_lookup(path):
    return "code" if path == SELF else f"{path}__code"


def hidden_rows(username):
    """{(model label, pk): row values} of every scoped row no grant of the persona reaches."""
    usernames = dict(Person.objects.values_list("pk", "username"))
    rows = {}
    for model in scoped_models():
        unit_paths = [_unit_lookup(path) for path in model.scope_unit_fields]
        owner_paths = list(getattr(model, "scope_owner_fields", ()))
        for row in model.objects.unscoped().values():  # unscoped: the test's own oracle reads everything
            rows[(model._meta.label, row["id"])] = row
        for values in model.objects.unscoped().values_list("pk", *unit_paths, *owner_paths):
            pk, codes, owners = values[0], set(values[1:1 + len(unit_paths)]), values[1 + len(unit_paths):]
            if reaches(username, codes - {None}, {usernames.get(owner) for owner in owners}):
                rows.pop((model._meta.label, pk))
    return rows


# --- Reading responses --------------------------------------------------------------------------------------

def response_text(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "json" in kind:
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body.decode("utf-8", "replace")
    if "spreadsheetml" in kind or body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if "pdf" in kind:
        from pypdf import PdfReader

        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


class FormParser(HTMLParser):
    """The POST forms of a page: [(action, {name: value})]; checked boxes and selected options only."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = (attrs.get("action") or "", {})
            self.forms.append(self._form)
        if self._form is None:
            return
        data = self._form[1]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                data.setdefault(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in data or "selected" in attrs):
            if attrs.get("value") or "selected" in attrs:
                data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = ""

    def handle_data(self, text):
        if self._form is not None and self._textarea:
            self._form[1][self._textarea] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# --- The URL patterns and API operations --------------------------------------------------------------------

@dataclass
class Route:
    name: str
    template: str  # "projects/<int:pk>/"
    params: list = field(default_factory=list)

    def path(self, pk):
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", str(pk), self.template)


def url_routes():
    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                template = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield Route(name, template, re.findall(r"<(?:\w+:)?(\w+)>", template))

    return list(walk(get_resolver().url_patterns, "", None))


def walked_routes():
    return [route for route in url_routes()
            if route.name not in SKIP and route.name.split(":")[0] not in SKIP_NAMESPACE]


def route_name(path):
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return match.view_name


def openapi_operations():
    """Every operation of the OpenAPI document (read from the API object: the served one needs sign-in)."""
    from zoneops.api.urls import api

    document = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    components = document.get("components", {}).get("schemas", {})
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation, components


def _resolve(schema, components):
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        schema = next((s for s in schema["anyOf"] if s.get("type") != "null"), schema["anyOf"][0])
        return _resolve(schema, components)
    if "allOf" in schema:
        return _resolve(schema["allOf"][0], components)
    return schema


def body_for(operation, components, pk, donor):
    """A plausible JSON body: every property from the schema, the donor's values, every *_id pointing at pk."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    schema = _resolve(content["schema"], components)
    today = timezone.localdate().isoformat()
    body = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, components)
        if name.endswith("_id") and prop.get("type") in ("integer", None):
            body[name] = pk
        elif name in donor:
            body[name] = donor[name]
        elif "enum" in prop:
            body[name] = prop["enum"][-1]
        elif prop.get("format") == "date":
            body[name] = today
        elif prop.get("type") == "integer":
            body[name] = max(prop.get("minimum", 1), 1)
        elif prop.get("type") == "boolean":
            body[name] = True
        elif prop.get("type") == "string":
            body[name] = "哨兵写入"
    return body


# --- The walk -----------------------------------------------------------------------------------------------

class Walk:
    def __init__(self, world, client):
        self.world, self.client, self.failures = world, client, []
        client.raise_request_exception = False
        self.forms = {}  # route name → form fields, from whichever page offers a form posting to it
        self.seen = set()  # sentinel texts shown to a persona allowed to see them (the detector works)

    def collect_forms(self, path, response):
        if "html" not in response.get("Content-Type", ""):
            return
        parser = FormParser()
        parser.feed(response.content.decode("utf-8", "replace"))
        for action, data in parser.forms:
            name = route_name(action or path)
            if name and data:
                self.forms.setdefault(name, data)

    def login(self, username):
        self.client.force_login(self.world.people[username])

    def check_read(self, username, label, response, route=""):
        namespace = route.split(":")[0]
        if namespace == "audit" and reaches(username, set(), (), {"audit.view"}):
            return  # the audit log shows every object to its reader (scope 全部)
        text = response_text(response)
        for sentinel in self.world.sentinels:
            if sentinel.text in text:
                if sentinel.visible_to(username):
                    self.seen.add(sentinel.text)
                elif not (route in POSTED and reaches(username, {sentinel.unit}, (), POSTED[route])):
                    self.failures.append(f"{username} {label}: shows {sentinel.text}")

    def check_write(self, username, label, before):
        after = hidden_rows(username)
        for key in before.keys() | after.keys():
            if key not in after:
                self.failures.append(f"{username} {label}: deleted or moved {key}")
            elif key not in before:
                self.failures.append(f"{username} {label}: created {key} out of scope")
            elif before[key] != after[key]:
                changed = {k for k in after[key] if after[key][k] != before[key].get(k)}
                self.failures.append(f"{username} {label}: changed {key} {sorted(changed)}")
        return after

    def check_status(self, username, label, response):
        if response.status_code >= 500:  # an error page hides whether scope held
            self.failures.append(f"{username} {label}: status {response.status_code}")

    def hidden_ids(self, username):
        """The shared ids of the sides holding something the persona may not see."""
        return [pk for side, (code, pk) in SIDES.items()
                if any(not s.visible_to(username) for s in self.world.sentinels if s.side == side)]

    def pages(self, username):
        self.login(username)
        for route in walked_routes():
            ids = self.hidden_ids(username) if route.params else [None]
            for pk in ids:
                path = route.path(pk)
                response = self.client.get(path)
                self.check_status(username, f"GET {path}", response)
                self.check_read(username, f"GET {path}", response, route.name)
                self.collect_forms(path, response)
        before = hidden_rows(username)
        for route in walked_routes():
            for pk in self.hidden_ids(username) if route.params else [None]:
                path = route.path(pk)
                # Without the version a stale form would be a conflict, which would hide an unchecked write.
                data = {k: v for k, v in self.forms.get(route.name, {}).items() if k != "version"}
                response = self.client.post(path, data)
                self.check_status(username, f"POST {path}", response)
                self.check_read(username, f"POST {path}", response, route.name)
                before = self.check_write(username, f"POST {path}", before)

    def api(self, username, donors):
        _token, raw = token_create(actor=SYSTEM, person=self.world.people[username])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        self.client.logout()
        before = hidden_rows(username)
        for path, method, operation, components in openapi_operations():
            has_params = "{" in path
            for pk in self.hidden_ids(username) if has_params else [None]:
                url = re.sub(r"\{\w+\}", str(pk), path)
                label = f"{method.upper()} {url}"
                target = pk if pk is not None else next(iter(self.hidden_ids(username)), 0)
                body = body_for(operation, components, target, donors.get(url, {}))
                response = getattr(self.client, method)(
                    url, data=json.dumps(body) if body is not None else None,
                    content_type="application/json", **headers)
                self.check_status(username, label, response)
                self.check_read(username, label, response)
                if method != "get":
                    before = self.check_write(username, label, before)


def _neutral(value, world):
    """A donor's value with every sentinel text replaced, so posting it cannot itself look like a leak."""
    if isinstance(value, str):
        for sentinel in world.sentinels:
            value = value.replace(sentinel.text, "走查写入")
    return value


def _donors(world, client):
    """Forms and API bodies as seen by the broadest personas: what a real user would post.

    Their pages of the A objects must show every A object: proof that the walk's detector can see each
    kind of object in the responses (an escaped JSON, a zipped workbook, a photo's bytes)."""
    walk = Walk(world, client)
    for username in ("demo-xm", "demo-leader", "demo-admin", "demo-security"):
        walk.login(username)
        for route in walked_routes():
            path = route.path(SIDES["A"][1])
            response = client.get(path)
            walk.check_read(username, f"GET {path}", response, route.name)
            walk.collect_forms(path, response)
    unseen = [s.text for s in world.sentinels if s.side == "A" and s.text not in walk.seen]
    assert unseen == [], "the walk cannot detect these objects in any response"
    assert walk.failures == []
    forms = {name: {k: _neutral(v, world) for k, v in data.items()} for name, data in walk.forms.items()}
    client.logout()
    donors = {}
    _token, raw = token_create(actor=SYSTEM, person=world.people["demo-xm"])
    for _code, pk in SIDES.values():
        for path, method, _operation, _components in openapi_operations():
            if method == "get" and "{" in path:
                url = re.sub(r"\{\w+\}", str(pk), path)
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
                if response.status_code == 200 and isinstance(response.json(), dict):
                    donors[url] = {k: _neutral(v, world) for k, v in response.json().items()}
    return forms, donors


# --- The tests ----------------------------------------------------------------------------------------------

def test_dataset_covers_every_scoped_model(world):
    """Each scoped model has a row on each side, sharing the side's id: add a new model to ``_side``."""
    for model in scoped_models():
        for side, (_code, pk) in SIDES.items():
            assert model.objects.unscoped().filter(pk=pk).exists(), f"{model._meta.label} has no row {pk} ({side})"


def test_every_persona_sees_some_and_misses_some(world):
    """The dataset straddles every persona's scope line (else the walk would prove nothing)."""
    for username in PERSONAS:
        if username == "demo-auditor":
            continue  # holds audit.view only: every page but the audit log is refused
        visible = [s.text for s in world.sentinels if s.visible_to(username)]
        hidden = [s.text for s in world.sentinels if not s.visible_to(username)]
        assert visible and hidden, username


def test_every_api_url_is_in_the_openapi_document():
    """The URL walk leaves the API namespace to the OpenAPI walk; nothing may fall between the two."""
    documented = {re.sub(r"\{\w+\}", "<>", path) for path, *_ in openapi_operations()}
    for route in url_routes():
        if route.name.startswith("api:") and route.name not in SKIP:
            path = re.sub(r"<(?:\w+:)?(\w+)>", "<>", "/" + route.template)
            assert path in documented or path in {"/api/v1/openapi.json", "/api/v1/"}, route.name


def test_no_persona_reads_or_writes_out_of_scope(world, client, subtests):
    forms, donors = _donors(world, client)
    for username in PERSONAS:
        with subtests.test(persona=username), transaction.atomic():
            walk = Walk(world, client)
            walk.forms = dict(forms)
            walk.pages(username)
            walk.api(username, donors)
            transaction.set_rollback(True)  # the next persona starts from the same data
            assert walk.failures == []
