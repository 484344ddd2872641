"""Excel export and import pages of the project ledger (项目库). Thin: parse, call, render.

The import is two steps. 预检 keeps the upload in a temporary file under $ZONEOPS_HOME/imports,
named by a random token held in the session, and shows the dry run; 确认导入 imports that same
file, so what is written is exactly what was checked (and is checked once more).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zoneops.audit.context import Actor
from zoneops.audit.services import audit_record
from zoneops.core.forms import bootstrap
from zoneops.core.http import get_or_404
from zoneops.exchange.uploads import TOKEN, KeptUploads
from zoneops.exchange.xlsx import MAX_FILE_BYTES, RowError, sheet_rows
from zoneops.jobs.models import Job
from zoneops.jobs.selectors import job_get
from zoneops.jobs.services import job_submit
from zoneops.org.scope import require_permission
from zoneops.projects.choices import BuildNature, Level, Stage
from zoneops.projects.exchange import LAYOUT, export_ledger, import_ledger, import_summary
from zoneops.projects.filtersets import project_filterset

SESSION_KEY = "projects_import"
UPLOADS = KeptUploads("imports", SESSION_KEY)
PREVIEW_ROWS = 200


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件", help_text=f".xlsx 格式，不超过{MAX_FILE_BYTES // 1024 // 1024}MB",
                           widget=forms.FileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("请上传 .xlsx 格式的文件（Excel 2007 及以上版本；.xls 请先另存为 .xlsx）。")
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，请拆分后分批导入。")
        return upload


@login_required
@require_GET
def ledger_export(request):
    """The scoped ledger, narrowed by the list page's filters (the same FilterSet: the same rows)."""
    require_permission(request.user, "project.view")
    queryset = project_filterset(request.GET, user=request.user).qs  # a wrong value is left out, as on the page
    if (count := queryset.count()) > settings.ZONEOPS_EXPORT_INLINE_ROWS:
        job_submit(actor=Actor.from_request(request), kind="projects.export", title=f"项目库台账导出（{count}个项目）",
                   run="zoneops.projects.jobs.export_ledger_job", params={"query": request.GET.urlencode()})
        messages.info(request, f"共{count}个项目，台账正在后台生成，完成后可在“我的下载”中下载。")
        return redirect("jobs:downloads")
    audit_record(Actor.from_request(request), "export", ("projects.project", "", "重点项目台账"),
                 detail=f"导出{count}行：{request.GET.urlencode()}"[:500])
    return export_ledger(queryset)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request):
    require_permission(request.user, "project.edit")
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    if request.method == "GET" and "job" in request.GET:
        return _job_page(request)
    form = bootstrap(ImportForm(request.POST or None, request.FILES or None))
    result = token = filename = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token, filename = UPLOADS.keep(request, upload), upload.name
        request.session[SESSION_KEY] = {"token": token, "name": upload.name[:200]}
        if rows := _large(token):
            return _submit_job(request, token, filename, rows, commit=False)
        result = import_ledger(UPLOADS.path(token), actor=Actor.from_request(request), commit=False)
        if not result.ok:
            UPLOADS.discard(request)
            token = None
    return _render(request, form, result, token=token, filename=filename)


def _confirm(request):
    kept = request.session.get(SESSION_KEY) or {}
    token = kept.get("token", "")
    if not TOKEN.match(token) or request.POST.get("token") != token or not UPLOADS.path(token).exists():
        messages.error(request, "预检结果已失效，请重新上传文件并预检。")
        return redirect("projects:import")
    if rows := _large(token):
        request.session.pop(SESSION_KEY, None)  # the job removes the file when it is done with it
        return _submit_job(request, token, kept.get("name", ""), rows, commit=True)
    result = import_ledger(UPLOADS.path(token), actor=Actor.from_request(request), commit=True)
    UPLOADS.discard(request)
    if result.ok and result.rows:
        messages.success(request, f"{import_summary(result)}（文件：{kept.get('name', '')}）。")
        return redirect("projects:list")
    return _render(request, bootstrap(ImportForm()), result, token=None, filename=kept.get("name", ""))


def _render(request, form, result, *, token, filename, job=None):
    rows = [row for row in result.rows if row.instance is not None][:PREVIEW_ROWS] if result and result.ok else []
    return render(request, "projects/import.html", {
        "title": "项目库导入", "form": form, "result": result, "token": token, "preview": rows,
        "preview_truncated": bool(result and result.ok and getattr(result, "new", 0) > PREVIEW_ROWS),
        "changes": getattr(result, "changes", [])[:PREVIEW_ROWS],
        "filename": filename, "headers": [column.header for column in LAYOUT.columns],
        "build_natures": BuildNature.labels, "stages": Stage.labels, "levels": Level.labels, "job": job,
        "row_count": getattr(result, "row_count", None) or len(getattr(result, "rows", ())),
        "error_count": getattr(result, "error_count", None) or len(getattr(result, "errors", ())),
    })


# --- Large files: the same two steps as background jobs (我的下载) ----------------------------

@dataclass
class _JobResult:
    """A finished import job's outcome, shaped like the DryRun the page shows."""

    ok: bool
    row_count: int
    created: int
    errors: list
    error_count: int
    error_row_count: int
    rows: tuple = ()  # no row preview for a file this large
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _large(token):
    """The file's row count when it is over ZONEOPS_IMPORT_INLINE_ROWS (counted without parsing), else 0."""
    rows = sheet_rows(UPLOADS.path(token))
    return rows if rows > settings.ZONEOPS_IMPORT_INLINE_ROWS else 0


def _submit_job(request, token, filename, rows, *, commit):
    job = job_submit(actor=Actor.from_request(request), kind="projects.import",
                     title=f"项目库{'导入' if commit else '导入预检'}：{filename}",
                     run="zoneops.projects.jobs.import_ledger_job",
                     params={"path": str(UPLOADS.path(token)), "name": filename, "rows": rows, "commit": commit})
    return redirect(f"{reverse('projects:import')}?job={job.pk}")


def _job_page(request):
    job = get_or_404(job_get, user=request.user, pk=request.GET["job"])
    if job.kind != "projects.import":
        raise Http404
    result = token = None
    if job.status == Job.Status.DONE:
        outcome = job.result
        result = _JobResult(ok=outcome["ok"], row_count=outcome["rows"], created=outcome["created"],
                            new=outcome.get("new", 0), updated=outcome.get("updated", 0),
                            unchanged=outcome.get("unchanged", 0),
                            errors=[RowError(*error) for error in outcome["errors"]],
                            error_count=outcome["error_count"], error_row_count=outcome["error_rows"])
        kept = request.session.get(SESSION_KEY) or {}
        if result.ok and not outcome["commit"] and str(UPLOADS.path(kept.get("token", "x"))) == job.params["path"]:
            token = kept["token"]  # still this session's upload: it may be confirmed
    return _render(request, bootstrap(ImportForm()), result, token=token, filename=job.params["name"], job=job)
