import time
from collections import Counter
from datetime import timedelta
import pytest
from django.utils import timezone
from zoneops.audit.context import Actor
from zoneops.demo.zone import build_demo_zone
from zoneops.dispatch import services
from zoneops.org.models import Person, Unit

@pytest.mark.django_db
def test_t():
    today = timezone.localdate()
    build_demo_zone(password="Demo#2026zone", today=today)
    xm = Person.objects.get(username="demo-xm")
    zone = Unit.objects.get(code="wn-jkq")
    for back in (21, 0):
        day = today - timedelta(days=back)
        b = time.perf_counter()
        m = services.meeting_create(actor=Actor(person=xm), kind="weekly", title="t", unit=zone, held_on=day, today=day)
        print("create", time.perf_counter() - b)
        items = list(m.agenda.all())
        print(back, len(items), Counter(i.kind for i in items))
        for i in items[:40]:
            print("  ", i.kind, i.title, i.detail, i.unit.code if i.unit else None)
