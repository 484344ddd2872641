"""Service errors as structured JSON: {"code": ..., "detail": ..., "errors": {...}}."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError

from zoneops.core.errors import ConflictError, NotFound


def install(api):
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
