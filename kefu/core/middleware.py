"""Login is required on every page and endpoint unless the view is marked public.

Like Django's own LoginRequiredMiddleware (and honouring its `login_not_required` decorator), but API
paths answer 401 JSON instead of redirecting a program to the login form.
"""

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse

from kefu.core.validators import CONTROL_CHARACTERS, control_character_message, find_control_character


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


class RejectControlCharactersMiddleware:
    """A control character (NUL, U+000B, …; tab and line breaks are fine) in a query or form value is
    never meant: PostgreSQL refuses NUL in text, and a stored one breaks every Excel export of the row.
    One check here answers a Chinese 400 naming the field for every page, the admin and the API's form
    posts, instead of a validator on each form; JSON bodies are checked by kefu.core.schemas.Schema with
    the same rule (kefu.core.validators.find_control_character)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self._find(request.GET)
        if found is None and request.method == "POST" and request.content_type in self.FORM_TYPES:
            found = self._find(request.POST)
        if found is not None:
            return self._refuse(request, *found)
        return self.get_response(request)

    @staticmethod
    def _find(values) -> tuple[str, str] | None:
        for name, texts in values.lists():
            if character := find_control_character([name, *texts]):
                return name, character
        return None

    @staticmethod
    def _refuse(request, field: str, character: str):
        message = control_character_message(character)
        # The field's name as sent, with the offending character itself made visible.
        field = CONTROL_CHARACTERS.sub(lambda found: f"U+{ord(found.group()):04X}", field) or "__all__"
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "输入有误", "errors": {field: [message]}}, status=400)
        return HttpResponseBadRequest(f"「{field}」{message}", content_type="text/plain; charset=utf-8")


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


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy of settings.KEFU_CONTENT_SECURITY_POLICY with every response
    (Django 5.2 has none of its own; 6.0 brings one). The policy lets a page load scripts, styles,
    images and connections from kefu itself only, so a script that got into a page through stored text
    could neither run inline nor load code or send data elsewhere. A view that needs another policy
    sets the header itself and keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "KEFU_CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
