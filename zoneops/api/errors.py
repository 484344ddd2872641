"""Service errors as structured JSON: {"code": ..., "detail": ..., "errors": {...}}."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from zoneops.accounts.services import TokenRefused
from zoneops.core.errors import ConflictError, NotFound

CSRF_DETAIL = "CSRF 校验失败：请刷新页面后重试；程序调用请使用令牌（Authorization: Bearer）。"
TOO_LARGE_DETAIL = "请求体过大。"


def error_body(code, detail, errors=None):
    return {"code": code, "detail": detail, "errors": errors or {}}


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API answers in its JSON error format, pages keep Django's page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body("csrf_failed", CSRF_DETAIL), status=403)
    return django_csrf_failure(request, reason=reason)


def install(api):
    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 403 and "CSRF" in str(exc):  # ninja's SessionAuth CSRF refusal
            return api.create_response(request, error_body("csrf_failed", CSRF_DETAIL), status=403)
        return api.create_response(request, error_body(f"http_{exc.status_code}", str(exc)),
                                   status=exc.status_code)

    @api.exception_handler(TokenRefused)
    def token_refused(request, exc):
        return api.create_response(request, error_body(exc.code, exc.message), status=403)

    @api.exception_handler(ValidationError)
    def validation(request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, {"code": "invalid", "detail": "输入有误。", "errors": errors},
                                   status=422)

    @api.exception_handler(SchemaValidationError)
    def schema_validation(request, exc):
        return api.create_response(request, {"code": "invalid", "detail": "输入有误。", "errors": exc.errors},
                                   status=422)

    @api.exception_handler(PermissionDenied)
    def denied(request, exc):
        return api.create_response(request, {"code": "forbidden", "detail": str(exc) or "无权执行此操作。"},
                                   status=403)

    @api.exception_handler(ConflictError)
    def conflict(request, exc):
        return api.create_response(
            request, {"code": "conflict", "detail": exc.message, "current_version": exc.current_version},
            status=409)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return api.create_response(request, {"code": "not_found", "detail": "对象不存在或不在您的数据范围内。"},
                                   status=404)

    @api.exception_handler(NotFound)
    def not_found(request, exc):
        return missing(request, exc)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"code": "unauthenticated", "detail": "请先登录或提供有效令牌。"},
                                   status=401)
