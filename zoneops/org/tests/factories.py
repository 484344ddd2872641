"""factory_boy factories for units, people, roles and grants. Writes go through the services."""

import factory

from zoneops.audit.context import Actor
from zoneops.org import services
from zoneops.org.models import Person, Role, Scope, Unit, UnitKind

PASSWORD = "Zone#Ops2026"
SYSTEM = Actor.system()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"u{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.unit_create(actor=SYSTEM, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"人员{n}")
    unit = factory.SubFactory(UnitFactory)
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, must_change_password=False, **kwargs):
        person = services.person_create(actor=SYSTEM, **kwargs)
        if not must_change_password:
            Person.objects.filter(pk=person.pk).update(must_change_password=False)
            person.must_change_password = False
        return person


def role(code):
    """A built-in role (created by migration)."""
    return Role.objects.get(code=code)


def grant(person, role_code, scope=Scope.UNIT_TREE, unit=None, custom_units=()):
    return services.grant_create(actor=SYSTEM, person=person, role=role(role_code), scope=scope, unit=unit,
                                 custom_units=custom_units)


def make_role(code, permissions, duty="business"):
    return services.role_create(actor=SYSTEM, code=code, name=code, duty=duty, permissions=permissions)
