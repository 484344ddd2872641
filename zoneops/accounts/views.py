from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zoneops.accounts.forms import PasswordChangeForm, SignInForm, TokenForm
from zoneops.accounts.services import SignInRefused, sign_in, sign_out, token_create
from zoneops.audit.context import Actor
from zoneops.core.forms import apply_errors, bootstrap
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
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = ""
            return redirect(target or "dashboards:home")
    return render(request, "accounts/login.html",
                  {"form": form, "expired": "expired" in request.GET, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    sign_out(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
def password_change_view(request):
    form = bootstrap(PasswordChangeForm(request.POST or None, person=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person_set_password(actor=Actor.from_request(request), person=request.user,
                                password=form.cleaned_data["new_password"], must_change=False)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("dashboards:home")
    return render(request, "accounts/password_change.html", {"form": form, "title": "修改密码"})


@login_required
def tokens_view(request):
    form = bootstrap(TokenForm(request.POST or None))
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = token_create(actor=Actor.from_request(request), person=request.user,
                                   name=form.cleaned_data["name"])
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "raw": raw, "tokens": tokens, "title": "API令牌"})
