"""Points where higher layers plug into core, so that core imports no other app.

Core sits at the bottom of the import direction (dashboards → domain apps → org → audit → core), yet
its services must be audited like every other write. The audit app connects its functions here in
``AuditConfig.ready()``; core (and any core building block, e.g. workflow) calls the hook::

    from zoneops.core import hooks
    hooks.audit_record(actor, "calendar.save", day, changes={...})

A hook nobody connected raises instead of doing nothing: a write must never go unaudited silently.
"""

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """One function slot, filled once at start-up by the app that implements it."""

    def __init__(self, name, doc=""):
        self.name = name
        self.__doc__ = doc
        self._function = None

    def connect(self, function):
        self._function = function
        return function

    @property
    def connected(self):
        return self._function is not None

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise ImproperlyConfigured(f"No app connected the core hook “{self.name}” (is zoneops.audit installed?).")
        return self._function(*args, **kwargs)

    def __repr__(self):
        return f"<Hook {self.name}: {getattr(self._function, '__qualname__', None)}>"


audit_record = Hook(
    "audit_record",
    "audit_record(actor, action, target=None, *, result=..., changes=None, detail='') → the appended row; "
    "see zoneops.audit.services.audit_record. Call it inside the writing transaction.",
)
actor_from_request = Hook(
    "actor_from_request",
    "actor_from_request(request) → the Actor (person and address) behind a request; see zoneops.audit.context.",
)
credentials_revoked = Hook(
    "credentials_revoked",
    "credentials_revoked(*, actor, person, reason) → ends the person's API tokens when a password is set or reset, "
    "or the account is deactivated; see zoneops.accounts.services.tokens_revoke_all (accounts stands above org).",
)
