import time


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` to every response, as kefu.core.middleware.ServerTimingMiddleware
    does (a copy: this project cannot import kefu), so both sides of the benchmark are timed the same
    way: from the first middleware to the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
