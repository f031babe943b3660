"""Content-Security-Policy (issue 11 item 15): every response carries it, it lets nothing in from
another origin and no inline script, and no template relies on inline script (the browser tests in
kefu/e2e check that Chromium refuses nothing on the pages they open)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from kefu.accounts.auth import issue_token

pytestmark = pytest.mark.django_db

KEFU = Path(__file__).resolve().parents[2]


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user=user, name='测试')}"}


def test_the_policy_allows_kefu_itself_only_and_no_inline_script():
    policy = directives(settings.KEFU_CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    every_source = {source for sources in policy.values() for source in sources}
    assert not any(source.startswith(("http", "*")) or "." in source for source in every_source)


def test_every_kind_of_response_carries_the_policy(client, client_for, administrator, agent):
    # given an anonymous visitor, a logged-in administrator and a program with a token
    expected = settings.KEFU_CONTENT_SECURITY_POLICY
    anonymous = {
        "the login form": client.get("/login/"),
        "a redirect to the login form": client.get("/hotline/"),
        "a static file": client.get("/static/kefu/kefu.css"),
        "the health check": client.get("/api/health"),
    }
    program = {"an API answer": client.get("/api/customers", headers=_bearer(agent))}
    staff = client_for(administrator)
    logged_in = {
        "the home page": staff.get("/"),
        "a list page": staff.get("/org/staff/"),
        "the lockout page": staff.get("/org/lockouts/"),
        "a page not found": staff.get("/no-such-page/"),
        "a page refused": staff.get("/hotline/"),
        "the API docs": staff.get("/api/docs"),
        "the back office": staff.get("/admin/"),
    }
    # when each is answered
    responses = anonymous | program | logged_in
    # then each carries the policy
    missing = [
        name for name, response in responses.items() if response.get("Content-Security-Policy") != expected
    ]
    assert missing == []
    assert {r.status_code for r in responses.values()} >= {200, 302, 403, 404}


def test_the_api_docs_use_the_bundled_swagger_ui_not_a_cdn(client_for, administrator):
    page = client_for(administrator).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_the_api_docs_name_no_other_host_and_their_files_are_served_by_kefu(client_for, administrator):
    # given the docs page as a member of staff sees it
    client = client_for(administrator)
    page = client.get("/api/docs").content.decode()
    # when every file it loads is read off the page
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    # then none is on another host, and kefu serves each (scripts, stylesheet, icons) itself
    assert addresses and not [a for a in addresses if "//" in a]
    assert {client.get(a).status_code for a in addresses} == {200}
    assert "http" not in page.split('id="swagger-settings"')[1].split("</script>")[0]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    # given every template of the project
    offenders = []
    for template in KEFU.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        # when it is searched for script the policy would refuse
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, re.compile(r"javascript:", re.I)):
            offenders += [
                f"{template.relative_to(KEFU)}: {m.group(0).strip()}" for m in pattern.finditer(text)
            ]
    # then there is none: such a page would silently lose its behaviour
    assert offenders == []


def test_the_nginx_example_sends_the_same_policy():
    # given the proxy configuration operators copy (docs/DEPLOY.md)
    config = (KEFU.parent / "deploy" / "nginx.conf.example").read_text(encoding="utf-8")
    # when its policy is read
    policy = re.search(r'set \$kefu_csp "([^"]+)";', config).group(1)
    # then it is kefu's own, and kefu's copy is not sent twice
    assert policy == settings.KEFU_CONTENT_SECURITY_POLICY
    assert "proxy_hide_header Content-Security-Policy;" in config
