"""factory_boy factory for problems; rows are written through services.problem_raise."""

import factory

from zoneops.audit.context import Actor
from zoneops.org.tests.factories import UnitFactory
from zoneops.problems import services
from zoneops.problems.models import Problem, ProblemCategory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试分类{n}")
    default_workdays = 5


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    title = factory.Sequence(lambda n: f"测试问题{n}")
    category = factory.SubFactory(CategoryFactory)
    description = "用地指标未落实"
    raising_unit = factory.SubFactory(UnitFactory)
    responsible_unit = factory.SubFactory(UnitFactory)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.problem_raise(actor=actor or Actor.system(), **kwargs)
