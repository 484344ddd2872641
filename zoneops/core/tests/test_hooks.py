"""Core reaches the audit log only through hooks that the audit app connects at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from zoneops.audit.context import Actor
from zoneops.audit.services import audit_record
from zoneops.core import hooks


def test_audit_connects_the_core_hooks_at_start_up():
    assert hooks.audit_record._function is audit_record
    assert hooks.actor_from_request._function == Actor.from_request


def test_a_hook_nobody_connected_refuses_instead_of_skipping_the_audit():
    hook = hooks.Hook("nothing")
    assert not hook.connected
    with pytest.raises(ImproperlyConfigured, match="nothing"):
        hook(Actor.system(), "x")
    hook.connect(lambda *args: args)
    assert hook(1, 2) == (1, 2)
