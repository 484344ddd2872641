"""Group robots against a local HTTP server: formats, DingTalk signing, retries with back-off, no repeats."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.notifications import robots
from zoneops.notifications.models import Delivery, RobotKind
from zoneops.notifications.services import notify, robot_save
from zoneops.org.tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


class Robot(BaseHTTPRequestHandler):
    """Answers like the platforms: 200 with {"errcode": 0}; the test scripts failures first."""

    received, script = [], []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Robot.received.append((self.path, body))
        status, answer = Robot.script.pop(0) if Robot.script else (200, {"errcode": 0, "errmsg": "ok"})
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Robot.received, Robot.script = [], []
    httpd = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_dingtalk_signed_message_reaches_the_group_once(server):
    unit = UnitFactory()
    robot_save(actor=Actor.system(), unit=unit, kind=RobotKind.DINGTALK, secret="SECabc",
               webhook_url=f"{server}/robot/send?access_token=t")
    notify([PersonFactory(unit=unit)], kind="assigned", title="交办问题：用地", body="请于10月10日前办结", key="p1:a",
           units=[unit])
    notify([], kind="assigned", title="交办问题：用地", key="p1:a", units=[unit])  # a retried sender
    assert robots.deliver_due() == (1, 0)
    assert robots.deliver_due() == (0, 0)  # a restarted worker sends nothing twice
    (path, body), = Robot.received
    assert body == {"msgtype": "text", "text": {"content": "交办问题：用地\n请于10月10日前办结"}}
    query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest())
    assert query["sign"][0] == expected.decode() and query["access_token"] == ["t"]


def test_failures_retry_with_back_off_then_stop_visible_to_the_admin(server):
    unit = UnitFactory()
    robot_save(actor=Actor.system(), unit=unit, kind=RobotKind.WECOM, webhook_url=f"{server}/cgi-bin/webhook/send")
    notify([], kind="overdue", title="问题已超期", key="p2:o", units=[unit])
    Robot.script = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    now = timezone.now()
    assert robots.deliver_due(now) == (0, 0)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and "500" in delivery.last_error
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert robots.deliver_due(now + timedelta(seconds=30)) == (0, 0)  # not yet: backing off
    assert len(Robot.received) == 1
    assert robots.deliver_due(now + timedelta(minutes=1)) == (0, 0)  # errcode ≠ 0 is a failure too
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and "93000" in delivery.last_error
    assert delivery.next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=2)
    assert robots.deliver_due(now + timedelta(minutes=3)) == (1, 0)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.last_error == ""
    assert Robot.received[-1][1]["msgtype"] == "text"


def test_a_dead_robot_ends_as_failed_after_the_last_attempt(server):
    unit = UnitFactory()
    robot_save(actor=Actor.system(), unit=unit, kind=RobotKind.WECOM, webhook_url=f"{server}/x")
    notify([], kind="overdue", title="问题已超期", key="p3:o", units=[unit])
    Robot.script = [(500, {})] * robots.MAX_ATTEMPTS
    at = timezone.now()
    results = []
    for _ in range(robots.MAX_ATTEMPTS):
        results.append(robots.deliver_due(at))
        at += timedelta(days=1)
    assert results[-1] == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == robots.MAX_ATTEMPTS
    assert robots.deliver_due(at) == (0, 0)


def test_the_admin_sees_failed_deliveries_of_the_units_they_manage(client, tree):
    from zoneops.org.tests.factories import grant

    admin = PersonFactory(unit=tree.town_a)
    grant(admin, "system_admin")
    for unit in (tree.town_a, tree.town_b):
        robot_save(actor=Actor.system(), unit=unit, kind=RobotKind.WECOM, webhook_url="http://127.0.0.1:9/x")
        notify([], kind="overdue", title=f"{unit.name}超期提醒", key=f"k{unit.pk}", units=[unit])
    Delivery.objects.update(status=Delivery.Status.FAILED, last_error="URLError: refused", attempts=6)
    client.force_login(admin)
    page = client.get("/inbox/robots/").content.decode()
    assert "甲镇超期提醒" in page and "URLError: refused" in page and "乙镇超期提醒" not in page
    client.force_login(PersonFactory(unit=tree.town_a))
    assert client.get("/inbox/robots/").status_code == 403


def test_only_a_unit_admin_sets_a_robot_and_only_with_a_web_address(tree):
    from zoneops.core.errors import PermissionDenied, ValidationError
    from zoneops.notifications.models import Robot
    from zoneops.org.tests.factories import grant

    admin = PersonFactory(unit=tree.town_a)
    grant(admin, "system_admin")
    with pytest.raises(PermissionDenied):
        robot_save(actor=Actor(person=admin), unit=tree.town_b, kind=RobotKind.WECOM,
                   webhook_url="https://qyapi.example/send")
    with pytest.raises(PermissionDenied):
        robot_save(actor=Actor(person=PersonFactory(unit=tree.town_a)), unit=tree.town_a, kind=RobotKind.WECOM,
                   webhook_url="https://qyapi.example/send")
    with pytest.raises(ValidationError) as refused:
        robot_save(actor=Actor(person=admin), unit=tree.town_a, kind=RobotKind.WECOM,
                   webhook_url="ftp://files.example/hook")  # a URL, not a web one
    assert "webhook_url" in refused.value.message_dict
    assert not Robot.objects.unscoped().exists()
    robot = robot_save(actor=Actor(person=admin), unit=tree.town_a, kind=RobotKind.WECOM,
                       webhook_url="https://qyapi.example/send")
    assert Robot.objects.unscoped().get() == robot
