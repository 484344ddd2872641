"""Small helpers views share."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def get_or_404(getter, **kwargs):
    """Call a scoped selector; a missing or out-of-scope row becomes a 404 (the two look alike)."""
    try:
        return getter(**kwargs)
    except (ObjectDoesNotExist, ValueError) as missing:
        raise Http404 from missing


def year_param(request, default):
    """The ``?year=`` of a page, or ``default`` when absent or not a year."""
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 1900 <= year <= 2200 else default


def safe_next(request, default):
    """The posted (or queried) ``next`` when it stays on this site, else ``default`` (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(default)
