"""Working days per the official calendar, across Spring Festival and its make-up days."""

from datetime import date

import pytest
from django.core.management import call_command

from zoneops.core.models import CalendarDay
from zoneops.core.workdays import add_workdays, is_workday, seed_official_calendar, workdays_between

pytestmark = pytest.mark.django_db


def test_calendar_is_seeded_by_migration_from_2020():
    assert CalendarDay.objects.filter(date__year=2020).exists()
    assert not CalendarDay.objects.filter(date__year__lt=2020).exists()
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "春节"


def test_spring_festival_2026():
    # 2026: holiday 2/15–2/23; Saturday 2/14 and Saturday 2/28 are make-up working days.
    assert is_workday(date(2026, 2, 14))
    assert not is_workday(date(2026, 2, 16))
    assert is_workday(date(2026, 2, 28))
    assert not is_workday(date(2026, 3, 1))  # an ordinary Sunday
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_workdays(date(2026, 2, 13), 3) == date(2026, 2, 25)


def test_national_day_2025_with_make_up_days():
    # 2025: holiday 10/1–10/8; Sunday 9/28 and Saturday 10/11 are working days.
    assert add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert workdays_between(date(2025, 9, 30), date(2025, 10, 12)) == 3  # 10/9, 10/10, 10/11


def test_counting_backwards_and_zero():
    assert add_workdays(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 24), 0) == date(2026, 2, 24)


def test_forty_five_working_days_limit_spans_the_festival():
    deadline = add_workdays(date(2026, 1, 20), 45)
    assert workdays_between(date(2026, 1, 20), deadline) == 45
    # 45 weekdays would end on 3/24; the festival's net loss of working days pushes it later.
    assert deadline > date(2026, 3, 24)


def test_admin_edits_are_kept_when_reseeding():
    CalendarDay.objects.filter(date=date(2026, 2, 16)).update(name="春节（本地）")
    CalendarDay.objects.filter(date=date(2026, 10, 1)).delete()
    assert seed_official_calendar() == 1
    assert CalendarDay.objects.get(date=date(2026, 2, 16)).name == "春节（本地）"


def test_command_prints_the_date(capsys):
    call_command("workdays", "add", "2026-02-13", "3")
    assert capsys.readouterr().out.strip() == "2026-02-25"


def test_system_admin_edits_the_calendar_and_working_days_follow(client, tree):
    from zoneops.audit.models import AuditEntry
    from zoneops.org.tests.factories import PersonFactory, grant

    admin = PersonFactory(unit=tree.zone)
    grant(admin, "system_admin", scope="all")
    client.force_login(admin)
    # A local holiday on Friday 2026-12-04: one working day later is now Monday 12-07.
    assert add_workdays(date(2026, 12, 3), 1) == date(2026, 12, 4)
    response = client.post("/org/calendar/", {"save": "1", "date": "2026-12-04", "kind": "holiday", "name": "地方假日"})
    assert response.status_code == 302
    assert add_workdays(date(2026, 12, 3), 1) == date(2026, 12, 7)
    day = CalendarDay.objects.get(date=date(2026, 12, 4))
    client.post("/org/calendar/?year=2026", {"delete": day.pk})
    assert add_workdays(date(2026, 12, 3), 1) == date(2026, 12, 4)
    assert AuditEntry.objects.filter(action__startswith="calendar.").count() == 2


def test_only_the_system_admin_edits_the_calendar(client, tree):
    from zoneops.org.tests.factories import PersonFactory, grant

    leader = PersonFactory(unit=tree.zone)
    grant(leader, "leader", scope="all")
    client.force_login(leader)
    assert client.get("/org/calendar/").status_code == 200
    assert client.post("/org/calendar/", {"save": "1", "date": "2026-12-04", "kind": "holiday"}).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 12, 4)).exists()
