"""Edge checks that apply to every request before any view runs."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse

NUL_MESSAGE = "输入中含有非法的空字符（NUL），请检查后重新提交。"
TOO_LARGE_MESSAGE = "提交的内容过大或字段过多，已被拒绝。"


def _has_nul(request):
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if b"\x00" in unquote_to_bytes(request.path_info.encode("utf-8", "surrogateescape")):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        # File contents may legitimately hold NUL bytes; only the text fields are checked.
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    body = request.body
    return b"\x00" in body or b"\\u0000" in body or b"%00" in body


class RejectNulBytesMiddleware:
    """Refuse NUL bytes in any text input with a 400 (PostgreSQL text cannot hold them), and an
    oversized body with a 413 (JSON on /api/), before any view runs.

    Rejecting at the edge means no form, API schema or import has to remember it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            has_nul = _has_nul(request)
        except (RequestDataTooBig, TooManyFieldsSent):
            # Over DATA_UPLOAD_MAX_MEMORY_SIZE / _NUMBER_FIELDS: the API answers in its JSON format.
            if request.path_info.startswith("/api/"):
                return JsonResponse({"code": "too_large", "detail": TOO_LARGE_MESSAGE, "errors": {}}, status=413)
            return HttpResponse(TOO_LARGE_MESSAGE, status=413, content_type="text/plain; charset=utf-8")
        if has_nul:
            if request.path_info.startswith("/api/"):
                return JsonResponse({"code": "invalid_input", "detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
