"""Login lockout in two tiers (issue 11 item 16): a stranger's guesses lock only the stranger's address,
guesses from many addresses still lock the account, and an administrator sees the current locks and
lifts one, recorded as an event."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from kefu.core.models import Event

pytestmark = pytest.mark.django_db

PASSWORD = "kefu-test-pass"  # the factories' password
AGENT_DESK = "10.1.1.20"  # the center's one outgoing address
STRANGER = "203.0.113.7"


def log_in(client, username: str, password: str, address: str):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def guess(client, username: str, address: str, times: int) -> None:
    for _ in range(times):
        log_in(client, username, "guess-123", address)


def test_a_strangers_five_guesses_lock_only_the_strangers_address(agent):
    # given a stranger who typed five wrong passwords for the agent's name
    guess(Client(), "agent", STRANGER, 5)
    # when the stranger tries once more, even with the right password
    stranger = log_in(Client(), "agent", PASSWORD, STRANGER)
    # then the stranger is locked out
    assert stranger.status_code == 429
    # when the agent logs in at the desk
    at_desk = log_in(Client(), "agent", PASSWORD, AGENT_DESK)
    # then the agent gets in
    assert at_desk.status_code == 302
    assert at_desk.url == "/"


def test_a_stranger_who_keeps_guessing_from_one_address_never_locks_the_account(agent):
    # given a stranger who goes on guessing the agent's password 30 times from one address, most of
    # the tries refused by the address lockout
    guess(Client(), "agent", STRANGER, 30)
    assert log_in(Client(), "agent", PASSWORD, STRANGER).status_code == 429
    # when the agent logs in at the desk
    at_desk = log_in(Client(), "agent", PASSWORD, AGENT_DESK)
    # then the agent gets in
    assert at_desk.status_code == 302


def test_five_failures_from_each_of_five_addresses_lock_the_account(agent):
    # given five addresses that each used up their own limit of five failures
    for n in range(5):
        guess(Client(), "agent", f"198.51.100.{n}", 5)
    # when the agent logs in from the desk with the right password
    response = log_in(Client(), "agent", PASSWORD, AGENT_DESK)
    # then the account itself is locked
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def test_guesses_spread_over_many_addresses_still_lock_the_account(agent):
    # given 4 wrong passwords from each of five addresses: 20 for the account, no address at its 5
    for n in range(5):
        guess(Client(), "agent", f"198.51.100.{n}", 4)
    # when the agent logs in from the desk with the right password
    response = log_in(Client(), "agent", PASSWORD, AGENT_DESK)
    # then the account itself is locked
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def test_nineteen_spread_guesses_leave_the_account_open(agent):
    for n in range(4):
        guess(Client(), "agent", f"198.51.100.{n}", 4)
    guess(Client(), "agent", "198.51.100.9", 3)
    assert log_in(Client(), "agent", PASSWORD, AGENT_DESK).status_code == 302


@override_settings(AXES_CLIENT_IP_CALLABLE="kefu.accounts.lockout.address_behind_proxy")
def test_behind_the_proxy_the_clients_own_address_counts(agent):
    # given nginx in front (every request comes from 127.0.0.1) and a stranger's five guesses
    for _ in range(5):
        Client().post(
            "/login/",
            {"username": "agent", "password": "guess-123"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP=STRANGER,
        )
    # when the agent logs in through the same proxy from the desk
    response = Client().post(
        "/login/",
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP=AGENT_DESK,
    )
    # then only the stranger's address was locked
    assert response.status_code == 302


# The administrator's page of current lockouts


def test_the_administrator_sees_each_lock_with_its_scope(client_for, administrator, agent, counter_clerk):
    # given the agent's name locked from one address, and the clerk's account locked as a whole
    guess(Client(), "agent", STRANGER, 5)
    for n in range(4):
        guess(Client(), "clerk", f"198.51.100.{n}", 5)
    # when the administrator opens the page from the organisation tabs
    client = client_for(administrator)
    assert "/org/lockouts/" in client.get("/org/staff/").content.decode()
    page = client.get("/org/lockouts/").content.decode()
    # then both locks are listed, with their scope, in Chinese
    assert "登录锁定" in page
    assert STRANGER in page and "agent" in page
    assert "整个账号（所有地址）" in page and "clerk" in page
    assert page.count('name="username"') == 2  # one unlock form per lock, the clerk's addresses folded


def test_a_strangers_long_run_of_guesses_is_listed_as_a_lock_of_one_address(administrator, agent):
    # given a stranger who guessed 30 times from one address
    guess(Client(), "agent", STRANGER, 30)
    # when the administrator looks at the current locks
    page = Client()
    page.force_login(administrator)
    listed = page.get("/org/lockouts/").content.decode()
    # then the agent's name is locked from that address, not as a whole account
    assert STRANGER in listed
    assert "整个账号（所有地址）" not in listed


def test_the_administrator_lifts_a_lock_and_it_is_recorded(client_for, administrator, agent):
    # given the agent's name locked from the stranger's address
    guess(Client(), "agent", STRANGER, 5)
    assert log_in(Client(), "agent", PASSWORD, STRANGER).status_code == 429
    # when the administrator lifts that lock
    response = client_for(administrator).post(
        "/org/lockouts/unlock/", {"username": "agent", "ip_address": STRANGER}, follow=True
    )
    # then it is gone, the page says so, and the event names who lifted what
    assert "已解除 agent 在 203.0.113.7 的登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="agent").exists()
    assert log_in(Client(), "agent", PASSWORD, STRANGER).status_code == 302
    event = Event.objects.get(verb="login.unlocked")
    assert event.actor == administrator
    assert event.target_id == agent.pk
    assert event.changes == {"username": "agent", "ip_address": STRANGER, "failures": 6}  # 5 + the locked try


def test_lifting_a_lock_that_is_gone_says_so(client_for, administrator):
    response = client_for(administrator).post("/org/lockouts/unlock/", {"username": "nobody"}, follow=True)
    assert "该锁定已解除或已过期" in response.content.decode()
    assert not Event.objects.filter(verb="login.unlocked").exists()


@pytest.mark.parametrize("role_fixture", ["agent", "department_head", "outsider"])
def test_only_administrators_see_or_lift_locks(request, client_for, role_fixture):
    # given a member of staff who is not an administrator, and a lock
    guess(Client(), "someone", STRANGER, 5)
    client = client_for(request.getfixturevalue(role_fixture))
    # when they open the page or post an unlock
    # then both are refused and the lock stays
    assert client.get("/org/lockouts/").status_code == 403
    assert client.post("/org/lockouts/unlock/", {"username": "someone"}).status_code == 403
    assert AccessAttempt.objects.filter(username="someone").exists()


def test_unlocking_needs_a_post_with_the_csrf_token(administrator):
    guess(Client(), "agent", STRANGER, 5)
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    assert client.get("/org/lockouts/unlock/", {"username": "agent"}).status_code == 405
    assert client.post("/org/lockouts/unlock/", {"username": "agent"}).status_code == 403
    assert AccessAttempt.objects.filter(username="agent").exists()
