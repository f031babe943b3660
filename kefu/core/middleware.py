"""Login is required on every page and endpoint unless the view is marked public.

Like Django's own LoginRequiredMiddleware (and honouring its `login_not_required` decorator), but API
paths answer 401 JSON instead of redirecting a program to the login form.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse


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
