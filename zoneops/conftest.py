"""Test configuration shared by every app: fast hashing and a clean cache/grant state."""

import pytest

from zoneops.org.models import UnitKind
from zoneops.org.tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (tested in accounts); tests sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings, tmp_path):
    """Checkpoints name rows of one database; each test's database starts empty, so does its directory."""
    settings.ZONEOPS_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _audit_guards_for_flush(request):
    """Transactional tests end with a flush, which the audit log's triggers would refuse."""
    marker = request.node.get_closest_marker("django_db")
    transactional = ({"transactional_db", "live_server"} & set(request.fixturenames)
                     or (marker is not None and marker.kwargs.get("transaction")))
    if not transactional:
        yield
        return
    from django.db import connection

    from zoneops.audit import guards

    request.getfixturevalue("transactional_db")
    guards.install(connection)
    _reload_migration_data()
    yield
    guards.remove(connection)


def _reload_migration_data():
    """A flush also empties what data migrations loaded; put it back for the next transactional test."""
    from zoneops.core.models import IndustryCode, Region
    from zoneops.core.reference import load_industry_codes, load_regions
    from zoneops.core.workdays import seed_official_calendar
    from zoneops.org.models import Role
    from zoneops.org.roles import sync_builtin_roles
    from zoneops.problems.categories_seed import seed_problem_categories
    from zoneops.problems.models import ProblemCategory
    from zoneops.projects.models import MilestoneTemplate, MilestoneTemplateItem
    from zoneops.projects.templates_seed import seed_milestone_templates

    if not Role.objects.exists():
        sync_builtin_roles(Role)
        load_industry_codes(IndustryCode)
        load_regions(Region)
        seed_official_calendar()
        seed_milestone_templates(MilestoneTemplate, MilestoneTemplateItem)
        seed_problem_categories(ProblemCategory)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def tree(db):
    """城市 → 开发区 → (招商局 → 驻京组, 甲镇, 乙镇)."""
    city = UnitFactory(code="city", name="渭南市", kind=UnitKind.CITY)
    zone = UnitFactory(code="zone", name="经开区", kind=UnitKind.ZONE, parent=city)
    bureau = UnitFactory(code="zsj", name="招商局", parent=zone)
    beijing = UnitFactory(code="zs-bj", name="驻京组", kind=UnitKind.REMOTE_OFFICE, parent=bureau)
    town_a = UnitFactory(code="town-a", name="甲镇", kind=UnitKind.TOWNSHIP, parent=zone)
    town_b = UnitFactory(code="town-b", name="乙镇", kind=UnitKind.TOWNSHIP, parent=zone)
    return type("Tree", (), dict(city=city, zone=zone, bureau=bureau, beijing=beijing, town_a=town_a, town_b=town_b))


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    """Tests run the task worker inside their own transaction (``zoneops worker --batch``). Between tasks the
    database worker closes connections whose autocommit differs from the settings, which on PostgreSQL ends the
    test's transaction; the worker itself is right to do so in production."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
