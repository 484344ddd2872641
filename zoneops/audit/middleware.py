"""Audit what a request was refused and which records it read (等保2.0 安全审计).

Services audit their own writes and refusals. Here, at the edge, go the events no service sees:
a 403 or a 404 answered to a signed-in person (an out-of-scope object looks like a missing one,
so both are attempts worth recording), and reads of the records named in ZONEOPS_AUDITED_READS.
"""

from django.conf import settings

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record

REFUSED = {403: "http.forbidden", 404: "http.not_found"}


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the API's bearer auth sets it inside the view
        if user is None or not user.is_authenticated or request.path.startswith(settings.STATIC_URL):
            return response
        match = request.resolver_match
        target = ("url", request.path[:64], f"{request.method} {request.get_full_path()}"[:200])
        if response.status_code in REFUSED:
            audit_record(Actor.from_request(request), REFUSED[response.status_code], target,
                         result=AuditEntry.Result.DENIED,
                         detail=f"{match.view_name if match else '未知地址'} 返回 {response.status_code}")
        elif request.method == "GET" and response.status_code == 200 and match is not None:
            action = settings.ZONEOPS_AUDITED_READS.get(match.view_name)
            if action:
                object_id = next(iter(match.kwargs.values()), "")
                audit_record(Actor.from_request(request), action, (action.split(".")[0], object_id, target[2]))
        return response
