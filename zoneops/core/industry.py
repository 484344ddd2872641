"""Queries over the GB/T 4754 industry tree."""

from django.db.models import Q

from zoneops.core.models import IndustryCode


def codes_under(code):
    """The code and every code below it. Digits nest by prefix; a section letter owns its divisions."""
    code = (code or "").strip().upper()
    if not code:
        return []
    if code.isdigit():
        return list(IndustryCode.objects.filter(code__startswith=code).values_list("code", flat=True))
    divisions = list(IndustryCode.objects.filter(parent_id=code).values_list("code", flat=True))
    prefix = Q(pk__in=[])
    for division in divisions:
        prefix |= Q(code__startswith=division)
    return [code, *IndustryCode.objects.filter(prefix).values_list("code", flat=True)]
