"""API authentication: a bearer token for machines, the signed-in session for the browser."""

from ninja.security import HttpBearer, SessionAuth

from zoneops.accounts.services import token_authenticate
from zoneops.audit.context import client_ip


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        # An expired, revoked or unknown token is audited there; a forced password change raises TokenRefused.
        person = token_authenticate(token, ip=client_ip(request))
        if person is not None:
            request.user = person  # services and selectors read the actor from request.user
        return person


class ActiveSession(SessionAuth):
    """Django's session auth (with its CSRF check), refusing people who must change their password."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "must_change_password", False):
            return None
        return user


AUTH = [BearerToken(), ActiveSession()]
