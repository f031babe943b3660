"""API tokens (issue 11 item 15): an optional expiry date, after which a token is refused exactly like a
guessed one; the administrator sees the date; the OpenAPI schema is readable with a token."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kefu.accounts.auth import issue_token
from kefu.accounts.models import ApiToken
from kefu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_a_token_works_until_its_expiry_date_and_then_gets_the_same_401_as_a_guessed_one(client, agent):
    # given a token for a contractor's report tool, valid for one week
    raw = issue_token(user=agent, name="报表工具", expires_at=timezone.now() + timedelta(days=7))
    # when it is used within the week
    within = client.get("/api/customers", {"q": "5678"}, headers=bearer(raw))
    # then it works
    assert within.status_code == 200
    # when it is used after the week
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        expired = client.get("/api/customers", {"q": "5678"}, headers=bearer(raw))
        guessed = client.get("/api/customers", {"q": "5678"}, headers=bearer("guessed-token"))
    # then it is refused with the very answer a guessed token gets
    assert expired.status_code == guessed.status_code == 401
    assert expired.json() == guessed.json() == {"detail": "请先登录或提供有效的访问令牌"}


def test_a_token_without_an_expiry_date_keeps_working(client, agent):
    # given the exchange's token, issued without an end
    raw = issue_token(user=agent, name="呼叫中心中间件")
    # when it is used years later
    with time_machine.travel(timezone.now() + timedelta(days=3 * 365)):
        response = client.get("/api/customers", {"q": "5678"}, headers=bearer(raw))
    # then it still works
    assert response.status_code == 200


def test_the_command_issues_a_token_for_a_number_of_days(agent, capsys):
    # when an administrator issues a token for 30 days
    call_command("issue_token", agent.username, "临时对接", "--days", "30")
    # then the token ends 30 days from now, and the command says so
    token = ApiToken.objects.get(name="临时对接")
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "有效期至" in capsys.readouterr().out


def test_the_administrator_sees_each_tokens_expiry_and_state(client):
    # given a superuser in the back office, one token expired and one without an end
    superuser = UserFactory(username="root", role="administrator", is_staff=True, is_superuser=True)
    issue_token(user=superuser, name="旧报表工具", expires_at=timezone.now() - timedelta(days=1))
    issue_token(user=superuser, name="呼叫中心中间件")
    client.force_login(superuser)
    # when the token list is opened
    page = client.get("/admin/accounts/apitoken/").content.decode()
    # then the expiry column and each token's state are shown
    assert "有效期至" in page
    assert '<td class="field-state">已过期</td>' in page
    assert '<td class="field-state">有效</td>' in page


def test_the_openapi_schema_is_readable_with_a_token(client, agent):
    # given a program holding a token, without a session
    raw = issue_token(user=agent, name="客户端生成器")
    # when it reads the schema
    response = client.get("/api/openapi.json", headers=bearer(raw))
    # then it gets the schema
    assert response.status_code == 200
    assert "/api/customers" in response.json()["paths"]


def test_the_openapi_schema_is_refused_to_a_bad_token_with_json(client, agent):
    # given an expired token
    raw = issue_token(user=agent, name="旧工具", expires_at=timezone.now() - timedelta(minutes=1))
    # when it is used to read the schema
    response = client.get("/api/openapi.json", headers=bearer(raw))
    # then the answer is the API's 401, not the login form and not the schema
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供有效的访问令牌"}
