"""The demo zone and the command-line interface around it."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from zoneops.org.models import Person, Unit, UnitKind
from zoneops.org.selectors import unit_list

pytestmark = pytest.mark.django_db


def test_demo_zone_resembles_a_real_zone(settings, capsys):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo", no_minutes=True)
    out = capsys.readouterr().out
    assert "demo-leader" in out and "Demo#2026zone" in out
    zone = Unit.objects.get(kind=UnitKind.ZONE)
    assert zone.parent.kind == UnitKind.CITY
    below = Unit.objects.filter(path__startswith=zone.path)
    assert below.filter(kind=UnitKind.TOWNSHIP).count() == 8
    assert below.filter(kind=UnitKind.PARK).count() == 1
    assert below.filter(kind=UnitKind.TASK_FORCE).count() == 2
    assert set(below.filter(kind=UnitKind.REMOTE_OFFICE).values_list("name", flat=True)) == {
        "驻北京招商组", "驻上海招商组", "驻深圳招商组"}
    for name in ["招商局", "统计局", "行政审批服务局", "规划分局", "土地储备中心", "住房和城乡建设局", "生态环境分局"]:
        assert below.filter(name=name).exists(), name


def test_demo_is_idempotent(settings):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo", no_minutes=True)
    counts = (Unit.objects.count(), Person.objects.count())
    call_command("demo", no_minutes=True)
    assert (Unit.objects.count(), Person.objects.count()) == counts


def test_demo_random_password_is_printed_and_works(settings, capsys, client):
    settings.ZONEOPS_DEMO_PASSWORD = ""
    call_command("demo", no_minutes=True)
    password = capsys.readouterr().out.split("演示账号统一密码：")[1].split()[0]
    assert client.post("/login/", {"username": "demo-zs", "password": password}).status_code == 302


def test_demo_scopes(settings):
    settings.ZONEOPS_DEMO_PASSWORD = "Demo#2026zone"
    call_command("demo", no_minutes=True)
    town_a = Person.objects.get(username="demo-town-a")
    assert [u.name for u in unit_list(user=town_a)] == ["辛市镇"]
    leader = Person.objects.get(username="demo-leader")
    assert unit_list(user=leader).count() == Unit.objects.filter(path__startswith=leader.unit.path).count()
    zs_units = {u.name for u in unit_list(user=Person.objects.get(username="demo-zs"))}
    assert zs_units == {"招商局", "驻北京招商组", "驻上海招商组", "驻深圳招商组"}


def test_createuser_reads_password_from_stdin(tree, monkeypatch, client):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("Kaifaqu#2026\n"))
    call_command("demo", no_minutes=True)
    call_command("createuser", "ops1", "--unit", "zone", "--role", "leader", "--scope", "unit_tree",
                 "--password-stdin")
    person = Person.objects.get(username="ops1")
    assert person.must_change_password and person.check_password("Kaifaqu#2026")
    assert person.grants.get().scope == "unit_tree"


def test_console_entry_runs_as_module(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"ZONEOPS_HOME": str(tmp_path)}

    def zoneops(*args):
        command = [sys.executable, "-m", "zoneops", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)  # noqa: S603

    assert zoneops("migrate", "-v0").returncode == 0
    result = zoneops("workdays", "add", "2026-09-30", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-10-08"  # 2026 National Day: 10/1–10/7
    assert zoneops("audit", "verify").returncode == 0


def test_production_settings_pass_the_deploy_check(tmp_path):
    inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env = inherited | {
        "ZONEOPS_HOME": str(tmp_path), "ZONEOPS_PRODUCTION": "true", "ZONEOPS_ALLOWED_HOSTS": "zoneops.example.gov.cn",
        "ZONEOPS_SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-0123456789"}
    command = [sys.executable, "-m", "zoneops", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
