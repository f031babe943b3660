"""Every URL the project serves, enumerated from the resolver: none may be opened without login, and a
logged-in account without a role may open none of them but the home page.

This guards the middleware and the permission checks together: a new page or endpoint that forgets
them fails here without anyone having to remember to write a test for it.
"""

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core import services as core_services
from kefu.customers import services as customer_services
from kefu.customers.tests.factories import CustomerFactory

METHODS = ("get", "post", "put", "patch", "delete")

# Open to anyone: logging in, the health check for the load balancer. (Static files are not URL
# patterns; whitenoise serves them before any view, see the last test.)
PUBLIC = {"/login/", "/admin/login/", "/api/health", "/favicon.ico"}
# Open to a logged-in account without a role: the home page says "no role yet"; logging out and
# switching the language must work for everyone; the API docs describe endpoints, not data.
ANY_LOGGED_IN = {"/", "/logout/", "/i18n/setlang/", "/api/docs", "/api/openapi.json"}
# django-ninja's root placeholder, which answers 404 to everyone: there is nothing behind it.
NOTHING_THERE = {"/api/"}


@dataclass
class Route:
    url: str
    is_api: bool
    is_admin: bool


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + _text(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + _text(entry.pattern)


def _text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    if isinstance(pattern, RegexPattern):
        return "\x00" + pattern.regex.pattern + "\x00"  # marks a regex piece for _fill
    raise TypeError(f"unknown URL pattern type {type(pattern)}")


def all_routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


@pytest.fixture
def objects(db, administrator, tmp_path, settings):
    """Real objects whose ids fill the URL parameters, so that each view gets past its 404."""
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(service_area=ServiceAreaFactory())
    document = customer_services.add_document(
        actor=administrator,
        customer=customer,
        kind="other",
        title="图纸",
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test"),
    )
    calendar_day = core_services.set_calendar_day(
        actor=administrator, day=customer.opened_on, kind="holiday", name="测试"
    )
    return {
        "pk": customer.pk,
        "customer_id": customer.pk,
        "document_id": document.pk,
        "calendar_day": calendar_day.pk,
        "user": administrator.pk,
    }


def _value(name: str, route: str, objects: dict) -> str:
    if "calendar" in route and name == "pk":
        return str(objects["calendar_day"])
    if "staff" in route and name == "pk":
        return str(objects["user"])
    if name == "user_id":  # a member of staff (the departing-staff API)
        return str(objects["user"])
    if name in objects:
        return str(objects[name])
    if name == "app_label":
        return "customers"
    if name in (
        "object_id",
        "content_type_id",
        "id",
        "contact_id",
        "order_id",
        "callback_id",
        "process_id",
        "approval_id",
        "generated_id",
        "instruction_id",
        "attachment_id",
        "alert_id",
        "entry_id",  # a roster entry (issue 14 attendance)
        "item_id",  # a line of an archive file's content list (issue 17 filing)
        "evidence_id",  # inspection evidence, notices, statements (issue 17 field)
        "notice_id",
        "statement_id",
        "case_id",
    ):
        return str(objects["pk"])
    if name == "form_code":
        return "application_receipt"
    if name == "key":  # a rule of the catalogue (业务规则)
        return "hotline.callback_hours"
    if name == "report":
        return "contracts"
    if name == "metric":
        return "contacts"
    if name == "action":
        return "accept"
    if name == "url":
        return "no-such-page/"
    raise AssertionError(f"no value for URL parameter {name!r} in {route!r}: add one to this test")


def fill(route: str, objects: dict) -> str:
    """Turn 'customers/<int:pk>/' (and admin's regex pieces) into a real path."""

    def route_param(match):
        return _value(match.group(2), route, objects)

    def regex_piece(match):
        regex = match.group(1)

        def group(m):
            name, body = m.group(1), m.group(2)
            if "|" in body and re.fullmatch(r"[\w|]+", body):
                return (
                    body.split("|")[0]
                    if name != "app_label" or "customers" not in body.split("|")
                    else "customers"
                )
            return _value(name, route, objects)

        regex = re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, regex)
        return regex.lstrip("^").rstrip("$").replace("\\", "")

    path = re.sub(r"\x00(.*?)\x00", regex_piece, route)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", route_param, path)
    return "/" + path


def routes(objects) -> list[Route]:
    found = []
    for route in all_routes():
        url = fill(route, objects)
        found.append(Route(url=url, is_api=url.startswith("/api/"), is_admin=url.startswith("/admin/")))
    return found


def call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data="{}", content_type="application/json")


def test_the_enumeration_finds_the_pages_and_the_api(objects):
    # a sanity check on the walk itself: if it found nothing, the tests below would prove nothing
    urls = {r.url for r in routes(objects)}
    assert "/customers/" in urls
    assert f"/customers/{objects['pk']}/documents/{objects['document_id']}/" in urls
    assert f"/api/customers/{objects['pk']}" in urls
    assert "/api/calendar/deadline" in urls
    assert "/org/staff/new/" in urls
    assert "/admin/" in urls
    assert len(urls) > 30


def test_nobody_gets_in_without_logging_in(client, objects):
    # given an anonymous visitor
    refused, checked = [], 0
    for route in routes(objects):
        if route.url in PUBLIC or route.url in NOTHING_THERE:
            continue
        for method in METHODS:
            # when they try every method on every URL
            response = call(client, method, route.url)
            if response.status_code == 405:
                continue
            checked += 1
            # then pages send them to the login form and the API answers 401
            if route.is_api and route.url not in ("/api/docs", "/api/openapi.json"):
                ok = response.status_code == 401
            else:
                ok = response.status_code == 302 and response.url.startswith("/login/?next=")
            if not ok:
                refused.append(f"{method.upper()} {route.url} -> {response.status_code}")
    assert checked > 40
    assert refused == [], "reachable without login:\n" + "\n".join(refused)


def test_the_public_urls_answer_without_login(client, db):
    assert client.get("/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/").status_code == 404


def test_an_account_without_a_role_may_open_nothing_but_the_home_page(client_for, outsider, objects):
    # given a logged-in account that has not been given a role yet
    client = client_for(outsider)
    leaks, checked = [], 0
    for route in routes(objects):
        if route.url in PUBLIC or route.url in ANY_LOGGED_IN or route.url in NOTHING_THERE:
            continue
        for method in METHODS:
            # when it tries every method on every URL
            response = call(client, method, route.url)
            if response.status_code == 405:
                continue
            checked += 1
            # then it is refused: 403, or 404 where even existence is not revealed; the Django admin
            # sends non-staff accounts to its own login page
            if route.is_admin:
                ok = response.status_code == 302 and response.url.startswith("/admin/")
            else:
                ok = response.status_code in (403, 404)
            if not ok:
                leaks.append(f"{method.upper()} {route.url} -> {response.status_code}")
    assert checked > 40
    assert leaks == [], "open to an account without a role:\n" + "\n".join(leaks)


def test_an_account_without_a_role_sees_the_home_page_and_the_api_docs(client_for, outsider):
    client = client_for(outsider)
    assert client.get("/").status_code == 200
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
    assert client.post("/logout/").status_code == 302


def test_the_api_docs_are_not_public(client, db):
    # the schema names every endpoint and field: for staff who have logged in
    for url in ("/api/docs", "/api/openapi.json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/login/?next=")


def test_static_files_are_served_without_login(client, db):
    response = client.get("/static/kefu/kefu.css")
    assert response.status_code == 200
