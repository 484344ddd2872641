"""Reads of background jobs: a person sees only their own."""

from zoneops.jobs.models import Job


def job_list(*, user):
    return Job.objects.filter(owner=user).only(
        "id", "kind", "title", "status", "progress", "message", "error", "filename", "file", "created_at",
        "finished_at", "expires_at", "owner_id")


def job_get(*, user, pk):
    """The user's own job; another person's job is DoesNotExist, like a missing one."""
    return Job.objects.get(owner=user, pk=pk)
