"""factory_boy factory for projects; rows are written through services.project_create."""

from datetime import date

import factory

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.tests.factories import UnitFactory
from zoneops.projects import services
from zoneops.projects.models import Project


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    enterprise = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    responsible_unit = factory.SubFactory(UnitFactory)
    total_investment = 10_000 * YUAN_PER_WAN
    year_plan_investment = 1_200 * YUAN_PER_WAN
    planned_start = date(2026, 3, 1)
    planned_completion = date(2027, 6, 30)
    reporting_from = date(2026, 1, 1)  # in the ledger since January: earlier periods would be 补录

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.project_create(actor=Actor.system(), **kwargs)
