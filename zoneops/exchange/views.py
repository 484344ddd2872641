"""The intake pages: upload a zone's own sheet, review the proposed mapping, confirm. Thin: the
engine maps, the table's importer checks and writes, the intake services remember.

The upload is kept in a temporary file under $ZONEOPS_HOME/intake named by a random token held in
the session, with the user's choices so far (column mapping, money unit, template, answers to the
names that matched nothing, rows left out); every review re-reads the file and re-checks it, and
确认导入 imports that same file with those choices against the project versions the last review read.
"""


from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap
from zoneops.exchange.intake import services as intake
from zoneops.exchange.intake.catalogue import MODULES, catalogue
from zoneops.exchange.intake.engine import NOT_XLSX, SheetError
from zoneops.exchange.intake.normalize import MONEY_UNITS
from zoneops.exchange.uploads import TOKEN, KeptUploads
from zoneops.exchange.xlsx import MAX_FILE_BYTES
from zoneops.org.models import Unit
from zoneops.org.scope import require_permission

SESSION_KEY = "intake"
UPLOADS = KeptUploads("intake", SESSION_KEY)
PREVIEW_ROWS = 300
EMPTY = "__empty__"


class UploadForm(forms.Form):
    file = forms.FileField(label="台账文件", help_text=f".xlsx 格式，不超过{MAX_FILE_BYTES // 1024 // 1024}MB",
                           widget=forms.FileInput(attrs={"accept": ".xlsx,.xls,.et"}))
    template = forms.ChoiceField(label="导入模板", required=False,
                                 help_text="不选则按表头自动匹配已保存的模板，或自动识别各列")

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "自动")] + [
            (str(t.pk), f"{t.name}（{t.unit.name}）") for t in templates]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(NOT_XLSX)
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，请拆分后分批导入。")
        return upload


def _catalogue_or_404(request, kind):
    if kind not in MODULES:
        raise Http404
    spec = catalogue(kind)
    require_permission(request.user, spec.permission)
    return spec


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, kind):
    spec = _catalogue_or_404(request, kind)
    actor = Actor.from_request(request)
    templates = list(intake.templates_for(actor, kind))
    form = bootstrap(UploadForm(request.POST or None, request.FILES or None, templates=templates))
    if request.method == "POST" and form.is_valid():
        chosen = next((t for t in templates if str(t.pk) == form.cleaned_data["template"]), None)
        upload_file = form.cleaned_data["file"]
        token = UPLOADS.keep(request, upload_file)
        try:
            analysis, used = intake.prepare(UPLOADS.path(token), kind=kind, actor=actor, template=chosen)
        except SheetError as error:
            UPLOADS.discard(request)
            form.add_error("file", str(error))
        else:
            request.session[SESSION_KEY] = {
                "token": token, "name": upload_file.name[:200], "kind": kind,
                "mapping": {str(k): v for k, v in analysis.mapping().items()}, "money_unit": analysis.money_unit,
                "template": used.pk if used else None, "template_name": used.name if used else "",
                "decisions": {}, "excluded": [], "versions": {}}
            return redirect(f"intake:{kind}-review")
    return render(request, "exchange/intake_upload.html", {"title": f"{spec.label}导入（自有台账）", "form": form,
                                                            "spec": spec, "templates": templates})


@login_required
@require_http_methods(["GET", "POST"])
def review(request, kind):
    spec = _catalogue_or_404(request, kind)
    kept = request.session.get(SESSION_KEY) or {}
    if kept.get("kind") != kind or not TOKEN.match(kept.get("token", "")) or not UPLOADS.path(kept["token"]).exists():
        messages.error(request, "上传的文件已失效，请重新上传。")
        return redirect(f"intake:{kind}")
    actor = Actor.from_request(request)
    if request.method == "POST":
        _read_choices(request.POST, kept, spec)
        request.session[SESSION_KEY] = kept
    try:
        analysis, _used = intake.prepare(UPLOADS.path(kept["token"]), kind=kind, actor=actor,
                                         mapping={int(k): v for k, v in kept["mapping"].items()},
                                         money_unit=kept["money_unit"])
    except SheetError as error:
        UPLOADS.discard(request)
        messages.error(request, str(error))
        return redirect(f"intake:{kind}")
    excluded = set(kept["excluded"])
    if request.method == "POST" and "confirm" in request.POST:
        result = intake.confirm(analysis, kind=kind, actor=actor, decisions=kept["decisions"], excluded=excluded,
                                versions=kept["versions"], template_name=kept.get("template_name", ""))
        if result.created or result.updated:
            UPLOADS.discard(request)
            saved = f"，列对应已保存为模板“{kept['template_name']}”" if kept.get("template_name") else ""
            messages.success(request, f"已导入：新建{result.created}个项目，更新{result.updated}个项目"
                                      f"（文件：{kept['name']}）{saved}。")
            return redirect("projects:list")
        messages.error(request, "未导入：仍有问题需要处理，未写入任何数据。")
    elif request.method == "POST":
        return redirect(f"intake:{kind}-review")
    else:
        result = spec.importer.plan(analysis, actor=actor, decisions=kept["decisions"], excluded=excluded)
    kept["versions"] = result.versions()
    kept["unresolved"] = [entry.key for entry in result.unresolved]
    request.session[SESSION_KEY] = kept
    return render(request, "exchange/intake_review.html", {
        "title": f"{spec.label}导入：核对列对应", "spec": spec, "kind": kind, "analysis": analysis, "plan": result,
        "filename": kept["name"], "money_units": list(MONEY_UNITS), "field_choices": spec.choices(),
        "unresolved": _unresolved_choices(result, actor, spec), "excluded": excluded,
        "template_name": kept.get("template_name") or f"{kept['name'].rsplit('.', 1)[0][:80]}",
        "rows": result.rows[:PREVIEW_ROWS], "empty": EMPTY, "upload_url": reverse(f"intake:{kind}"),
    })


def _read_choices(post, kept, spec):
    """The review form's answers into the kept choices."""
    width = len(kept["mapping"]) + 200
    mapping = {}
    for index in range(width):
        key = post.get(f"col-{index}")
        if key and spec.field(key) is not None:
            mapping[str(index)] = key
    if any(name.startswith("col-") for name in post):
        kept["mapping"] = mapping
    if post.get("money_unit") in MONEY_UNITS:
        kept["money_unit"] = post["money_unit"]
    decisions = dict(kept.get("decisions", {}))
    for index, key in enumerate(kept.get("unresolved", [])):
        answer = post.get(f"resolve-{index}", "")
        if answer == EMPTY:
            decisions[key] = ""
        elif answer.isdigit():
            decisions[key] = answer
    kept["decisions"] = decisions
    if "rows-shown" in post:
        kept["excluded"] = sorted(int(n) for n in post.getlist("exclude") if n.isdigit())
    kept["template_name"] = post.get("template_name", kept.get("template_name", "")).strip()[:100]


def _unresolved_choices(result, actor, spec):
    """Each name that matched nothing, with what it may be mapped to: its suggestions first, then (for
    units) every unit the importer may use."""
    units = []
    if any(entry.kind == "unit" for entry in result.unresolved):
        units = Unit.objects.filter(is_active=True).restrict(actor.person, spec.permission).order_by("path")
        units = [(unit.pk, unit.name) for unit in units]
    choices = []
    for entry in result.unresolved:
        suggested = {pk for pk, _label in entry.suggestions}
        others = [item for item in units if item[0] not in suggested] if entry.kind == "unit" else []
        choices.append({"entry": entry, "options": list(entry.suggestions) + others,
                        "preselect": entry.suggestions[0][0] if len(entry.suggestions) == 1 else None})
    return choices
