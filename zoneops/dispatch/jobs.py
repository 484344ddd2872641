"""Background work of 督办调度, run by the worker through :mod:`zoneops.jobs`."""

from zoneops.dispatch.models import Meeting
from zoneops.dispatch.services import minutes_write
from zoneops.jobs.services import Outcome


def write_minutes(*, job, actor, progress):
    """Render the meeting's minutes (.docx and .pdf) and keep them with the meeting."""
    meeting = Meeting.objects.unscoped().get(pk=job.params["meeting"])  # unscoped: checked when submitted
    progress(10, "正在生成会议纪要")
    minutes_write(meeting=meeting)
    return Outcome(message=f"会议纪要已生成：{meeting.title}", result={"meeting": meeting.pk})
