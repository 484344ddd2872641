"""Small helpers views share."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def get_or_404(getter, **kwargs):
    """Call a scoped selector; a missing or out-of-scope row becomes a 404 (the two look alike)."""
    try:
        return getter(**kwargs)
    except (ObjectDoesNotExist, ValueError) as missing:
        raise Http404 from missing
