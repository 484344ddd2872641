"""Scope is structural: models declare it, a start-up check refuses those that do not, reads restrict."""

import pathlib
import re

import pytest
from django.apps import apps
from django.db import models

from zoneops.org.checks import check_model_scope, check_scope_declarations
from zoneops.org.models import Scope
from zoneops.org.scope import ScopedManager
from zoneops.org.tests.factories import PersonFactory, grant


def _model(name, body):
    """A throw-away model class (not migrated) of a test-only app label."""
    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"app_label": "org_scope_check_test"}), **body}
    return type(name, (models.Model,), attrs)


def _ids(errors):
    return [error.id for error in errors]


def test_every_installed_model_passes_the_check():
    assert check_scope_declarations() == []


def test_a_model_with_a_unit_foreign_key_and_no_declaration_is_refused():
    model = _model("Forgotten", {"unit": models.ForeignKey("org.Unit", on_delete=models.CASCADE)})
    assert _ids(check_model_scope(model)) == ["org.E001"]


def test_an_opt_out_needs_a_reason_and_passes_with_one():
    unit_fk = {"unit": models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")}
    assert _ids(check_model_scope(_model("NoReason", {**unit_fk, "scope_unscoped": " "}))) == ["org.E003"]
    assert check_model_scope(_model("WithReason", {**unit_fk, "scope_unscoped": "reference data"})) == []


def test_declared_paths_must_reach_a_unit_or_a_person_and_a_scoped_manager():
    unit_fk = {"unit": models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+"),
               "owner": models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")}
    typo = _model("Typo", {**unit_fk, "scope_unit_fields": ("unti",), "objects": ScopedManager()})
    assert _ids(check_model_scope(typo)) == ["org.E005"]
    owner = _model("BadOwner", {**unit_fk, "scope_unit_fields": ("unit",), "scope_owner_fields": ("unit",),
                                "objects": ScopedManager()})
    assert _ids(check_model_scope(owner)) == ["org.E006"]
    plain = _model("PlainManager", {**unit_fk, "scope_unit_fields": ("unit",)})
    assert _ids(check_model_scope(plain)) == ["org.E007"]
    good = _model("Good", {**unit_fk, "scope_unit_fields": ("unit", "owner__unit"), "scope_owner_fields": ("owner",),
                           "objects": ScopedManager()})
    assert check_model_scope(good) == []


def test_a_reverse_or_many_to_many_path_is_refused():
    """Such a path would multiply rows (and count them twice in aggregates)."""
    model = _model("ViaMany", {"units": models.ManyToManyField("org.Unit", related_name="+"),
                               "scope_unit_fields": ("units",), "objects": ScopedManager()})
    assert _ids(check_model_scope(model)) == ["org.E005"]


@pytest.mark.django_db
def test_a_row_is_visible_when_any_of_its_unit_fields_is_in_scope(tree, monkeypatch):
    """Several unit fields are OR-ed (a problem is seen by the raising and the responsible unit)."""
    from zoneops.projects.models import Project
    from zoneops.projects.tests.factories import ProjectFactory

    seen_by_task_force = ProjectFactory(responsible_unit=tree.town_b, task_force=tree.town_a)
    ProjectFactory(responsible_unit=tree.town_b)
    me = PersonFactory(unit=tree.town_a)
    grant(me, "leader", scope=Scope.UNIT)
    assert not Project.objects.restrict(me, "project.view").exists()
    monkeypatch.setattr(Project, "scope_unit_fields", ("responsible_unit", "task_force"))
    assert list(Project.objects.restrict(me, "project.view")) == [seen_by_task_force]
    grant(me, "leader", scope=Scope.UNIT_TREE, unit=tree.zone)
    assert Project.objects.restrict(me, "project.view").count() == 2  # no row twice


def test_no_module_calls_scope_directly():
    """Reads restrict through the manager (Model.objects.restrict); scope() is the mechanism behind it."""
    root = pathlib.Path(apps.get_app_config("org").path).parent
    direct_call = re.compile(r"\bscope\(\w*\.?objects|from zoneops\.org\.scope import [^\n]*\bscope\b")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "scope.py" and direct_call.search(path.read_text(encoding="utf-8"))]
    assert offenders == []

