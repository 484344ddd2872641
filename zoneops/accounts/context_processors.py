"""Template context of the accounts app."""

from django.utils.functional import SimpleLazyObject

from zoneops.accounts.services import TOKEN_ADMIN_PERMISSION, may_use_api
from zoneops.org.scope import has_permission


def account_links(request):
    """Whether the user menu offers 「API令牌」 and 「API令牌管理」 (computed only when a page asks)."""
    user = request.user
    signed_in = getattr(user, "is_authenticated", False)
    return {
        "can_use_api": SimpleLazyObject(lambda: signed_in and may_use_api(user)),
        "can_manage_tokens": SimpleLazyObject(lambda: signed_in and has_permission(user, TOKEN_ADMIN_PERMISSION)),
    }
