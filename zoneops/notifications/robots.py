"""Group robots (群机器人): DingTalk and WeCom webhook formats, DingTalk's signed mode, and the worker's
sender with exponential back-off. Plain ``urllib`` (no extra dependency); nothing here runs in a request."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from zoneops.notifications.models import Delivery, RobotKind

TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 6
BACKOFF_FIRST = timedelta(minutes=1)  # then 2, 4, 8, 16 minutes
BATCH = 200


def signed_url(url, secret, now_ms=None):
    """DingTalk 加签: ``timestamp`` and ``sign`` = base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def request_for(robot, text):
    """(url, JSON body) in the robot's format; both platforms take ``msgtype=text``."""
    body = {"msgtype": "text", "text": {"content": text}}
    url = robot.webhook_url
    if robot.kind == RobotKind.DINGTALK and robot.secret:
        url = signed_url(url, robot.secret)
    return url, body


def post(robot, text):
    """Send once; raise on any failure (HTTP error, timeout, or a non-zero ``errcode``)."""
    url, body = request_for(robot, text)
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise ValueError("Webhook地址须为http或https。")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked above)
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def backoff(attempts):
    return BACKOFF_FIRST * (2 ** (attempts - 1))


def deliver_due(now=None):
    """Send every delivery whose time has come; failures wait longer each time, then stop as 发送失败.
    Returns (sent, failed_now). Each delivery is claimed in its own transaction, so a restarted worker
    resumes where it stopped and a sent message is never sent again."""
    now = now or timezone.now()
    sent = failed = 0
    due = list(Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now,
                                       robot__is_active=True).values_list("pk", flat=True)[:BATCH])
    for pk in due:
        with transaction.atomic():
            delivery = (Delivery.objects.select_for_update().select_related("robot")
                        .filter(pk=pk, status=Delivery.Status.PENDING).first())
            if delivery is None:
                continue
            delivery.attempts += 1
            try:
                post(delivery.robot, delivery.text)
            except Exception as error:  # any failure is retried later and shown to the admin
                delivery.last_error = f"{type(error).__name__}: {error}"[:500]
                if delivery.attempts >= MAX_ATTEMPTS:
                    delivery.status = Delivery.Status.FAILED
                    failed += 1
                else:
                    delivery.next_attempt_at = now + backoff(delivery.attempts)
            else:
                delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
                sent += 1
            delivery.save()
    return sent, failed
