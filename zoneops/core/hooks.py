"""Hooks through which core reaches code it must not import (core imports no other app).

The audit app registers its writer at start-up (``AuditConfig.ready``); core's workflow primitives
call :func:`audit` and so write the same append-only, hash-chained row as every service.
"""

from django.core.exceptions import ImproperlyConfigured

_audit_writers = []


def register_audit(fn):
    """Register ``fn(actor, action, target, *, changes=None, detail="")``; returns ``fn`` (a decorator too)."""
    if fn not in _audit_writers:
        _audit_writers.append(fn)
    return fn


def audit(actor, action, target=None, *, changes=None, detail=""):
    """Write one audit row through the registered writer(s). Refuses to run unaudited."""
    if not _audit_writers:
        raise ImproperlyConfigured("没有注册审计写入函数（core.hooks.register_audit）。")
    for writer in _audit_writers:
        writer(actor, action, target, changes=changes, detail=detail)
