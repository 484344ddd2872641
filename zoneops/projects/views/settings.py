"""Project rules per unit (thresholds, windows, limits, light rules), quarter targets, milestone templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.core.forms import bootstrap, run_on_form
from zoneops.core.http import get_or_404
from zoneops.org.models import Unit
from zoneops.org.scope import require_permission
from zoneops.org.selectors import unit_list
from zoneops.projects import services
from zoneops.projects.forms import MilestoneTemplateForm, QuarterTargetForm, RulesForm
from zoneops.projects.models import MilestoneTemplate, ProjectRules, StatsQuarterTarget


def _rules_unit(request, units, actor):
    """The unit whose rules the page edits (?unit=<pk>; "" or absent: the platform default when the
    user may edit it, else the user's own unit or the first one in reach). 404 outside the user's reach."""
    from django.http import Http404

    chosen = request.POST.get("unit", request.GET.get("unit", ""))
    if chosen == "" and services.may_edit_rules(actor, None):
        return None
    if chosen == "":
        return units.filter(pk=request.user.unit_id).first() or units.first()
    unit = units.filter(pk=chosen).first() if str(chosen).isdigit() else None
    if unit is None:
        raise Http404
    return unit


@login_required
def rules_edit(request):
    """The project rules of a chosen unit (or the platform default); units without their own inherit."""
    require_permission(request.user, "project.rules")
    actor = Actor.from_request(request)
    units = Unit.objects.restrict(request.user, "project.rules")
    unit = _rules_unit(request, units, actor)
    own = ProjectRules.current() if unit is None else ProjectRules.objects.filter(unit=unit).first()
    shown = own or ProjectRules.for_unit(unit)
    form = bootstrap(RulesForm(request.POST if "rules" in request.POST else None, instance=shown))
    target_form = bootstrap(QuarterTargetForm(request.POST if "target" in request.POST else None,
                                              initial={"year": timezone.localdate().year, "unit": request.user.unit_id},
                                              units=unit_list(user=request.user, action="project.rules")))
    saved = None
    if "rules" in request.POST and form.is_valid():
        saved = run_on_form(form, lambda: services.rules_update(actor=actor, unit=unit, **form.cleaned_data))
    elif "inherit" in request.POST and unit is not None:
        services.rules_inherit(actor=actor, unit=unit)
        saved = True
    elif "target" in request.POST and target_form.is_valid():
        saved = run_on_form(target_form, lambda: services.stats_target_save(actor=actor, **target_form.cleaned_data))
    if saved:
        messages.success(request, "已保存。")
        return redirect(f"{reverse('projects:rules')}?unit={unit.pk if unit else ''}")
    targets = StatsQuarterTarget.objects.select_related("unit").restrict(request.user, "project.view")
    return render(request, "projects/rules.html", {
        "title": "项目规则", "form": form, "target_form": target_form, "targets": targets,
        "units": units, "unit": unit, "own": own is not None, "inherited_from": None if own else shown,
        "may_edit_default": services.may_edit_rules(actor, None)})


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
