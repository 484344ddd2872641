"""Session lifetime rules and the forced first password change."""

import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from zoneops.accounts.services import sign_out

EXPIRED_MESSAGE = "会话已超时，请重新登录。"


class SessionTimeoutMiddleware:
    """Sign the user out after the idle limit (30 min) or the absolute limit (12 h) of a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and "zoneops_login_at" in request.session:
            now = time.time()
            idle = now - request.session.get("zoneops_seen_at", 0)
            age = now - request.session["zoneops_login_at"]
            idle_limit = settings.ZONEOPS_SESSION_IDLE_MINUTES * 60
            if idle > idle_limit or age > settings.ZONEOPS_SESSION_ABSOLUTE_HOURS * 3600:
                sign_out(request, reason="auth.session_expired")
                if request.path.startswith("/api/"):
                    return JsonResponse({"code": "session_expired", "detail": EXPIRED_MESSAGE}, status=401)
                return redirect(f"{reverse('accounts:login')}?expired=1&next={request.path}")
            # Saving the timestamp on every request would write the session row each time;
            # a minute's granularity is plenty for a 30-minute idle limit.
            if now - request.session.get("zoneops_seen_at", 0) > 60:
                request.session["zoneops_seen_at"] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A person whose password was set by an admin may do nothing but change it."""

    ALLOWED = ("accounts:password_change", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "password_change_required", "detail": "首次登录须先修改密码。"}, status=403
                    )
                return redirect("accounts:password_change")
        return self.get_response(request)
