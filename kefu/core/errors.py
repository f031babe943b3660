"""What a 404 or a 500 looks like: the HTML pages for people, JSON for programs under /api/.

A program calling the API cannot read an HTML page; and a 500 must not show what failed, but the
operator must be able to find it: the answer carries a request id that the log line carries too.
"""

import logging
import re
import sys
import uuid

from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

logger = logging.getLogger("kefu.api")

API_PREFIX = "/api/"
SERVER_ERROR = "服务器内部错误"
NOT_FOUND = "接口不存在，请核对地址（接口说明见 /api/docs）"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def api_server_error(request, error: BaseException | None) -> JsonResponse:
    """Log an unhandled error with a fresh request id and answer a JSON 500 that names the same id."""
    request_id = uuid.uuid4().hex
    logger.exception(
        "API 服务器内部错误 request_id=%s %s %s",
        request_id,
        request.method,
        request.path,
        exc_info=error or True,
    )
    response = _json({"detail": SERVER_ERROR, "request_id": request_id}, status=500)
    response["X-Request-ID"] = request_id
    return response


def not_found(request, exception):
    """handler404: an unmatched /api/… path (Django's resolver, before ninja) answers JSON too."""
    if is_api(request):
        return _json({"detail": NOT_FOUND}, status=404)
    return render(request, "404.html", {"reason": chinese_reason(exception)}, status=404)


CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_reason(exception) -> str:
    """A reason given in Chinese (「工单不存在」) is shown to the person; Django's own English ones ("No
    Customer matches the given query.") and a bare Http404 (whose text is its class name) are not."""
    reason = str(exception.args[0]) if exception is not None and getattr(exception, "args", None) else ""
    return reason if CJK.search(reason) else ""


def server_error(request):
    """handler500: errors the API's own handler did not see (a middleware, the URL resolver)."""
    if is_api(request):
        return api_server_error(request, sys.exc_info()[1])
    return defaults.server_error(request)
