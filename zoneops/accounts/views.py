from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zoneops.accounts.forms import PasswordChangeForm, SignInForm, TokenForm
from zoneops.accounts.models import ApiToken
from zoneops.accounts.services import (
    TOKEN_ADMIN_PERMISSION,
    SignInRefused,
    active_tokens,
    check_current_password,
    may_use_api,
    session_register,
    sign_in,
    sign_out,
    token_create,
    token_revoke,
)
from zoneops.audit.context import Actor
from zoneops.core.forms import apply_errors, bootstrap
from zoneops.core.http import safe_next
from zoneops.org.models import Person
from zoneops.org.scope import has_permission
from zoneops.org.services import person_set_password


def login_view(request):
    if request.user.is_authenticated:
        return redirect("dashboards:home")
    form = bootstrap(SignInForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            sign_in(request, **form.cleaned_data)
        except SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect(safe_next(request, settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login.html",
                  {"form": form, "expired": "expired" in request.GET, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    sign_out(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
def password_change_view(request):
    form = bootstrap(PasswordChangeForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            check_current_password(request, form.cleaned_data["old_password"])
            person_set_password(actor=Actor.from_request(request), person=request.user,
                                password=form.cleaned_data["new_password"], must_change=False)
        except SignInRefused as wrong:
            if wrong.locked:
                messages.error(request, wrong.message)
                return redirect("accounts:login")
            form.add_error("old_password", wrong.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            session_register(request, request.user, only=True)
            messages.success(request, "密码已修改，其他设备上的登录和全部API令牌已失效。")
            return redirect("dashboards:home")
    return render(request, "accounts/password_change.html", {"form": form, "title": "修改密码"})


@login_required
def tokens_view(request):
    """「API令牌」: only for people who may use the API (business accounts)."""
    if not may_use_api(request.user):
        raise PermissionDenied
    form = bootstrap(TokenForm(request.POST or None))
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = token_create(actor=Actor.from_request(request), person=request.user,
                                   name=form.cleaned_data["name"])
    tokens = active_tokens(request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "raw": raw, "tokens": tokens, "title": "API令牌",
                                                    "now": timezone.now()})


@login_required
def token_manage_view(request):
    """The security admin's list of live tokens of the people within their account-control scope."""
    if not has_permission(request.user, TOKEN_ADMIN_PERMISSION):
        raise PermissionDenied
    people = Person.objects.restrict(request.user, TOKEN_ADMIN_PERMISSION)
    tokens = (ApiToken.objects.filter(person__in=people, revoked_at__isnull=True, expires_at__gt=timezone.now())
              .select_related("person").order_by("person__username", "-created_at")[:500])
    return render(request, "accounts/token_manage.html", {"tokens": tokens, "title": "API令牌管理"})


@require_POST
@login_required
def token_revoke_view(request, pk):
    token = ApiToken.objects.select_related("person").filter(pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(actor=Actor.from_request(request), token=token,
                 reason="本人撤销" if token.person_id == request.user.pk else "安全管理员撤销")
    messages.success(request, f"已撤销令牌 {token.hint}…。")
    return redirect(safe_next(request, "accounts:tokens"))
