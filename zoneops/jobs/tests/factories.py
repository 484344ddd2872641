"""factory_boy factories for background jobs. Jobs are made through job_submit, as a page would."""

import factory

from zoneops.audit.context import Actor
from zoneops.jobs import services
from zoneops.jobs.models import Job
from zoneops.org.tests.factories import PersonFactory


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    owner = factory.SubFactory(PersonFactory)
    kind = "tests.report"
    title = factory.Sequence(lambda n: f"测试任务{n}")
    run = "zoneops.jobs.tests.work.report"
    params = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, *args, owner, **kwargs):
        return services.job_submit(actor=Actor(person=owner, ip="10.0.0.8"), **kwargs)
