"""factory_boy factories for 督办调度; rows are written through the services (task_issue, meeting_create)."""

import datetime

import factory

from zoneops.audit.context import Actor
from zoneops.dispatch import services
from zoneops.dispatch.choices import MeetingKind, TaskSource
from zoneops.dispatch.models import Meeting, Task
from zoneops.org.tests.factories import UnitFactory


class TaskFactory(factory.django.DjangoModelFactory):
    """A 督办事项 issued by ``actor`` (default: the system) from ``issuing_unit`` to ``owner_unit``."""

    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"测试督办事项{n}")
    instruction = "请抓紧推进，按期办结。"
    issuing_unit = factory.SubFactory(UnitFactory)
    owner_unit = factory.SubFactory(UnitFactory)
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))
    source = TaskSource.INSTRUCTION

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.task_issue(actor=actor or Actor.system(), **kwargs)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A 调度会 (筹备中) organised by ``unit``; its agenda is built from the data as the service does."""

    class Meta:
        model = Meeting

    kind = MeetingKind.WEEKLY
    title = factory.Sequence(lambda n: f"测试调度会{n}")
    unit = factory.SubFactory(UnitFactory)
    held_on = factory.LazyFunction(datetime.date.today)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.meeting_create(actor=actor or Actor.system(), **kwargs)
