"""The zone's project rules: thresholds and light rules, quarter targets, milestone templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404
from zoneops.org.scope import require_permission
from zoneops.org.selectors import unit_list
from zoneops.projects import services
from zoneops.projects.forms import MilestoneTemplateForm, QuarterTargetForm, RulesForm
from zoneops.projects.models import MilestoneTemplate, ProjectRules, StatsQuarterTarget


@login_required
def rules_edit(request):
    require_permission(request.user, "project.rules")
    rules = ProjectRules.current()
    form = bootstrap(RulesForm(request.POST if "rules" in request.POST else None, instance=rules))
    target_form = bootstrap(QuarterTargetForm(request.POST if "target" in request.POST else None,
                                              initial={"year": timezone.localdate().year, "unit": request.user.unit_id},
                                              units=unit_list(user=request.user, action="project.rules")))
    actor = Actor.from_request(request)
    saved = None
    if "rules" in request.POST and form.is_valid():
        saved = run_on_form(form, lambda: services.rules_update(actor=actor, **form.cleaned_data))
    elif "target" in request.POST and target_form.is_valid():
        saved = run_on_form(target_form, lambda: services.stats_target_save(actor=actor, **target_form.cleaned_data))
    if saved:
        messages.success(request, "已保存。")
        return redirect("projects:rules")
    return render(request, "projects/rules.html", {"title": "项目规则", "form": form, "target_form": target_form,
                                                   "targets": StatsQuarterTarget.objects.select_related("unit")
                                                   .restrict(request.user, "project.view")})


@login_required
def milestone_templates(request, pk=None):
    """The zone's milestone templates: list them, create one, or edit one's nodes."""
    require_permission(request.user, "project.rules")
    template = get_or_404(MilestoneTemplate.objects.get, pk=pk) if pk else None
    initial = {}
    if template:
        initial = {"name": template.name, "description": template.description,
                   "items": "\n".join(f"{item.name},{item.offset_days}" for item in template.items.all())}
    form = bootstrap(MilestoneTemplateForm(request.POST or None, initial=initial))
    if template:
        form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)

        def save():
            target = template or services.milestone_template_create(
                actor=actor, name=form.cleaned_data["name"], description=form.cleaned_data["description"])
            return services.milestone_template_set_items(actor=actor, template=target,
                                                         items=form.cleaned_data["items"])

        saved = run_on_form(form, lambda: transaction.atomic(save)())
        if saved:
            messages.success(request, f"节点模板“{saved.name}”已保存。")
            return redirect("projects:templates")
    templates = MilestoneTemplate.objects.prefetch_related("items")
    return render(request, "projects/templates.html", {"title": "节点模板", "templates": templates, "form": form,
                                                       "editing": template})
