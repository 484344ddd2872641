"""Job functions the tests submit (the worker imports them by dotted path)."""

from zoneops.core.errors import ValidationError
from zoneops.jobs.models import Job
from zoneops.jobs.services import Outcome

seen = []


def report(*, job, actor, progress):
    """Writes a small file; remembers the status and the progress the job had while it ran."""
    seen.append(Job.objects.get(pk=job.pk).status)
    progress(50, "已完成一半")
    seen.append(Job.objects.values_list("progress", "message").get(pk=job.pk))
    return Outcome(message="共3行", result={"rows": 3}, content=f"{actor.person.username}的报表".encode(),
                   filename="报表.txt")


def refuse(*, job, actor, progress):
    raise ValidationError(f"第{job.params['row']}行“总投资”应为数字")


def crash(*, job, actor, progress):
    raise RuntimeError("secret internal detail")
