"""Small helpers views share."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


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
