"""Login is required on every page and endpoint unless the view is marked public.

Like Django's own LoginRequiredMiddleware (and honouring its `login_not_required` decorator), but API
paths answer 401 JSON instead of redirecting a program to the login form.
"""

import time

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if request.path.startswith("/api/"):
            # The API checks session or token itself (kefu.api), so that tokens work without a session.
            return None
        if request.user.is_authenticated:
            return None
        return redirect_to_login(request.get_full_path())


def api_unauthorised() -> JsonResponse:
    return JsonResponse({"detail": "请先登录或提供有效的访问令牌"}, status=401)


class RejectNulMiddleware:
    """A NUL character in a query or form value is never meant; PostgreSQL refuses it in text and
    the request would end in a 500. Answer a clear 400 for every view instead of guarding each one."""

    MESSAGE = "请求中含有不允许的控制字符（NUL），请检查输入"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            return self._refuse(request)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if any("\x00" in value for values in request.POST.lists() for value in values[1]):
                return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "输入有误", "errors": {"__all__": [self.MESSAGE]}}, status=400)
        return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` to every response: the time the server spent on the request,
    from the first middleware to the response, as browsers' developer tools and load balancers read it.
    The benchmarks read it too, so their figures are the server's side only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
