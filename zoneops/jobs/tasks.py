"""Tasks of the jobs app (run by `zoneops worker`)."""

from django_tasks import task

from zoneops.jobs import services


@task()
def run_job(job_id):
    """Run one submitted job; its progress, outcome or error land on the Job row."""
    job = services.job_execute(job_id=job_id)
    return job.status if job else None


@task()
def purge_expired_jobs():
    """Delete jobs (and their files) kept past ZONEOPS_JOB_KEEP_DAYS; scheduled by the worker."""
    return services.jobs_purge_expired()
