"""Data scope: every scope × list / detail / update / export, through selectors, the UI and the API."""

import io

import openpyxl
import pytest

from zoneops.audit.context import Actor
from zoneops.core.errors import PermissionDenied
from zoneops.org import selectors, services
from zoneops.org.models import Scope, Unit
from zoneops.org.tests.factories import PersonFactory, grant

pytestmark = pytest.mark.django_db

PEOPLE = ["city", "zone", "bureau", "beijing", "town_a", "town_b"]
# What an actor sitting in 招商局 sees of people, per scope of their grant.
EXPECTED = {
    Scope.ALL: {"me", *PEOPLE},
    Scope.UNIT_TREE: {"me", "bureau", "beijing"},
    Scope.UNIT: {"me", "bureau"},
    Scope.OWN: {"me"},
    Scope.CUSTOM: {"town_a", "beijing"},
    None: set(),
}


@pytest.fixture
def world(tree):
    people = {key: PersonFactory(name=key, unit=getattr(tree, key)) for key in PEOPLE}
    people["me"] = PersonFactory(name="me", unit=tree.bureau)
    return type("World", (), {"tree": tree, "people": people})


def _grant(world, role_code, grant_scope):
    me = world.people["me"]
    if grant_scope is not None:
        custom = [world.tree.town_a, world.tree.beijing] if grant_scope == Scope.CUSTOM else ()
        grant(me, role_code, scope=grant_scope, custom_units=custom)
    return me


@pytest.mark.parametrize("grant_scope", list(EXPECTED))
def test_list_selector_and_api_and_page_show_only_the_scope(world, client, grant_scope):
    me = _grant(world, "leader", grant_scope)
    expected = EXPECTED[grant_scope]
    assert {p.name for p in selectors.person_list(user=me)} == expected

    client.force_login(me)
    api_names = {row["name"] for row in client.get("/api/v1/people?page_size=100").json()["items"]}
    assert api_names == expected

    page = client.get("/org/people/?size=100")
    if grant_scope is None:
        assert page.status_code == 403
    else:
        shown = {name for name in ["me", *PEOPLE] if f">{name}</a>" in page.content.decode()}
        assert shown == expected


@pytest.mark.parametrize("grant_scope", list(EXPECTED))
def test_detail_is_404_outside_the_scope(world, client, grant_scope):
    me = _grant(world, "leader", grant_scope)
    client.force_login(me)
    for key, person in world.people.items():
        visible = key in EXPECTED[grant_scope]
        api = client.get(f"/api/v1/people/{person.pk}")
        page = client.get(f"/org/people/{person.pk}/")
        assert api.status_code == (200 if visible else 404), key
        assert page.status_code == (200 if visible else 404), key
        if not visible:
            assert api.json()["code"] == "not_found"


@pytest.mark.parametrize("grant_scope", [s for s in EXPECTED if s is not None])
def test_update_is_refused_outside_the_scope(world, client, grant_scope):
    me = _grant(world, "system_admin", grant_scope)
    actor = Actor(person=me, ip="10.0.0.1")
    client.force_login(me)
    for key, person in world.people.items():
        allowed = key in EXPECTED[grant_scope]
        if allowed:
            updated = services.person_update(actor=actor, person=person, expected_version=person.version,
                                             title="已改")
            assert updated.title == "已改"
        else:
            with pytest.raises(PermissionDenied):
                services.person_update(actor=actor, person=person, expected_version=person.version, title="越权")
            assert client.get(f"/org/people/{person.pk}/edit/").status_code == 404
            person.refresh_from_db()
            assert person.title != "越权"


@pytest.mark.parametrize("grant_scope", list(EXPECTED))
def test_export_contains_only_the_scope(world, client, grant_scope):
    me = _grant(world, "leader", grant_scope)
    client.force_login(me)
    response = client.get("/org/people/?export=xlsx")
    if grant_scope is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == EXPECTED[grant_scope]


def test_units_scope_follows_the_tree(world):
    me = _grant(world, "leader", Scope.UNIT_TREE)
    visible = set(Unit.objects.restrict(me, "unit.view").values_list("code", flat=True))
    assert visible == {"zsj", "zs-bj"}


def test_grants_without_the_action_give_nothing(world):
    me = _grant(world, "auditor", Scope.ALL)
    assert not selectors.person_list(user=me).exists()
    assert not Unit.objects.restrict(me, "unit.manage").exists()


def test_inactive_person_sees_nothing(world):
    me = _grant(world, "leader", Scope.ALL)
    me.is_active = False
    assert not selectors.person_list(user=me).exists()


def test_query_count_of_scoped_list_is_constant(world, client, django_assert_max_num_queries):
    me = _grant(world, "leader", Scope.ALL)
    client.force_login(me)
    client.get("/org/people/")
    with django_assert_max_num_queries(12) as before:
        client.get("/org/people/")
    for n in range(30):
        PersonFactory(name=f"extra{n}", unit=world.tree.town_b)
    with django_assert_max_num_queries(len(before.captured_queries)):  # not one more for 30 more rows
        page = client.get("/org/people/?sort=-name").content.decode()
    assert "extra9" in page  # the new rows are in scope and on the page
