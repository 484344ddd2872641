"""The API's browsable docs (Swagger UI, vendored) and who may read them and the OpenAPI document.

Both are behind sign-in (a session or a valid bearer token) unless ZONEOPS_API_DOCS_PUBLIC opens
them: the document maps every operation and field, which an anonymous visitor does not need.
"""

import json
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from ninja.openapi.docs import DocsBase, _csrf_needed

from zoneops.accounts.services import TokenRefused, token_authenticate
from zoneops.api.errors import error_body
from zoneops.audit.context import client_ip


class VendoredSwagger(DocsBase):
    """Swagger UI from zoneops/static/vendor/swagger-ui (no CDN, no inline script: CSP-clean)."""

    def render_page(self, request, api, **kwargs):
        config = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        return render(request, "api/swagger.html", {
            "api": api, "swagger_settings": json.dumps(config), "add_csrf": _csrf_needed(api),
        })


def _bearer_person(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        return token_authenticate(header[7:].strip(), ip=client_ip(request))
    except TokenRefused:
        return None


def docs_access(view):
    """docs_decorator: a signed-in person (session or token) or ZONEOPS_API_DOCS_PUBLIC."""
    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        signed_in = user.is_authenticated and not getattr(user, "must_change_password", False)
        if settings.ZONEOPS_API_DOCS_PUBLIC or signed_in or _bearer_person(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(error_body("unauthenticated", "请先登录或提供有效令牌。"), status=401)
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return guarded
