"""Errors that services raise; views and the API turn them into messages and status codes."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ConflictError", "NotFound", "PermissionDenied", "ValidationError"]


class ConflictError(Exception):
    """An edit was based on a stale version of the row (optimistic locking)."""

    def __init__(self, message="该记录已被他人修改，请刷新后重试。", *, current_version=None):
        super().__init__(message)
        self.message = message
        self.current_version = current_version


class NotFound(Exception):
    """The object does not exist or lies outside the actor's data scope (the two look the same)."""
