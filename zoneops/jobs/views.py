"""我的下载: the person's own background jobs with their progress, and the files they produced."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zoneops.audit.context import Actor
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.http import get_or_404
from zoneops.jobs import selectors, services

LIST_LENGTH = 100


@login_required
@require_GET
def downloads(request):
    jobs = list(selectors.job_list(user=request.user)[:LIST_LENGTH])
    context = {"title": "我的下载", "jobs": jobs, "polling": any(not job.is_finished for job in jobs),
               "keep_days": settings.ZONEOPS_JOB_KEEP_DAYS}
    template = "jobs/downloads.html#rows" if request.htmx else "jobs/downloads.html"
    return render(request, template, context)


@login_required
@require_GET
def download(request, pk):
    job = get_or_404(selectors.job_get, user=request.user, pk=pk)
    try:
        handle = services.job_download(actor=Actor.from_request(request), job=job)
    except (ValidationError, PermissionDenied, FileNotFoundError):
        raise Http404 from None  # not finished, no file, or the file is gone
    return FileResponse(handle, as_attachment=True, filename=job.filename)
