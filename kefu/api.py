"""The REST API: one NinjaAPI, session or token authentication, Chinese 400s instead of 422/500.

Routers live in each domain's api.py and call the same services and permission helpers as the pages.
OpenAPI schema at /api/openapi.json, interactive docs at /api/docs.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from kefu.accounts.auth import StaffSessionAuth, TokenAuth, user_for_token
from kefu.core.api_errors import pydantic_errors_to_chinese
from kefu.core.errors import api_server_error
from kefu.core.middleware import api_unauthorised
from kefu.core.openapi import document_refusals
from kefu.core.permissions import TooManyRequests


class ChineseJSONRenderer(JSONRenderer):
    # Chinese as characters, not \uXXXX escapes: readable in logs, curl and the browser.
    json_dumps_params = {"ensure_ascii": False}


def staff_only_docs(view):
    """The schema names every endpoint and field, so it is for staff who have logged in, or for a
    program holding a valid token (a client generator, the fuzzing in the tests reads it so). (The
    LoginRequiredMiddleware leaves /api/ to the API's own authentication, which the docs do not use.)"""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated or _token_holder(request) is not None:
            return view(request, *args, **kwargs)
        if "HTTP_AUTHORIZATION" in request.META:
            return api_unauthorised()  # a program: JSON, not the login form
        return redirect_to_login(request.get_full_path())

    return wrapped


def _token_holder(request):
    scheme, _, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return user_for_token(raw.strip())


class ObjectBodyParser(Parser):
    """Every JSON body of this API is an object. Another JSON value (`null`, a list, a number) is
    refused as unparseable (400) instead of reaching an endpoint as an empty or half-read payload."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body is not a JSON object")
        return data


class KefuAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # The refusals (400/401/403/404) every operation may answer, documented once for all.
        return document_refusals(super().get_openapi_schema(**kwargs))


api = KefuAPI(
    renderer=ChineseJSONRenderer(),
    parser=ObjectBodyParser(),
    title="kefu 客服中心 API",
    version="1",
    description="客服中心管理系统接口。认证：登录会话（需 CSRF）或 `Authorization: Bearer <令牌>`。",
    auth=[StaffSessionAuth(), TokenAuth()],
    docs_decorator=staff_only_docs,
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def on_bad_input(request, exc):
    return api.create_response(
        request, {"detail": "输入有误", "errors": pydantic_errors_to_chinese(exc.errors)}, status=400
    )


@api.exception_handler(ValidationError)
def on_rule_broken(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "输入有误", "errors": errors}, status=400)


@api.exception_handler(TooManyRequests)
def on_too_many_requests(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=429)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "您的角色没有此项权限"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "对象不存在"}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    # django-ninja's own errors come in English: a body it cannot parse (400), a failed CSRF check (403).
    if exc.status_code == 400:
        errors = {"__all__": ["请求体不是有效的 JSON"]}
        return api.create_response(request, {"detail": "输入有误", "errors": errors}, status=400)
    if exc.status_code == 403 and "CSRF" in str(exc):
        return api.create_response(request, {"detail": "CSRF 校验失败，请刷新页面后重试"}, status=403)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录或提供有效的访问令牌"}, status=401)


@api.exception_handler(Exception)
def on_server_error(request, exc):
    # Anything no handler above knows: JSON with a request id that the log line names too (ninja's own
    # default re-raises into Django's HTML 500 page).
    return api_server_error(request, exc)


def _register_routers():
    from kefu.accounts.api import router as accounts_router
    from kefu.archives.api import router as archives_router
    from kefu.collection.api import router as collection_router
    from kefu.core.api import router as core_router
    from kefu.customers.api import router as customers_router
    from kefu.hotline.api import router as hotline_router
    from kefu.incidents.api import router as incidents_router
    from kefu.inspection.api import router as inspection_router
    from kefu.knowledge.api import router as knowledge_router
    from kefu.meters.api import router as meters_router
    from kefu.processes.api import router as processes_router
    from kefu.quality.api import router as quality_router
    from kefu.reports.api import router as reports_router
    from kefu.telephony.api import router as telephony_router
    from kefu.workforce.api import router as workforce_router

    api.add_router("", core_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/customers", customers_router)
    api.add_router("/hotline", hotline_router)
    api.add_router("/telephony", telephony_router)
    api.add_router("/knowledge", knowledge_router)
    api.add_router("/workforce", workforce_router)
    api.add_router("/reports", reports_router)
    api.add_router("/collection", collection_router)
    api.add_router("/processes", processes_router)
    api.add_router("/incidents", incidents_router)
    api.add_router("/meters", meters_router)
    api.add_router("/quality", quality_router)
    api.add_router("/archives", archives_router)
    api.add_router("/inspection", inspection_router)


_register_routers()
