"""A concurrent load: 50 simulated staff of the hotline working through the real pages, for bench/run_load.sh.

    bench/run_load.sh                       # gunicorn + hotline worker + this file, 50 users, 10 minutes
    DURATION=1m bench/run_load.sh           # a trial

Who (FixedCount users, 50 by default; accounts are shared when there are more users than demo accounts,
each simulated user with its own session):

- 40 agents (agent11…agent44), each working call after call: waits in the workspace, whose screen pop
  polls /telephony/pop/ every two seconds (htmx); the PBX (its own API token) posts the ring for a
  caller (a random customer's phone, or a number not in the archive), the pop shows it, the PBX posts
  the answer, the agent opens the contact form from the pop (/hotline/?customer=…&call_id=…), which
  loads the customer's history and the route preview, types the matter (the classifier's suggestion),
  saves (the real form POST with its CSRF token) — a consultation answered at once, a repair, a
  billing dispute or a service complaint transferred to the customer's branch, an invalid call
  closed — and the PBX posts the hangup. Between calls: the agent's own work orders, the overdue
  list, a work order's page, a full-text search of the contacts, and closing the loop on its orders a
  unit has replied to (the callback to the customer, then closing the order);
- 8 unit staff of the six branches (unit11…unit62): their unit's queue, open a transferred order,
  accept it, later reply with the result; sometimes the overdue list;
- 1 team leader (leader1): the overdue and escalated lists, the answer-time statistics, a search;
- 1 department head (head): the reports (weekly, timeliness), the escalated list, and the KPI
  dashboard /kpi/ when KPI=1.

A step a real user would see refused (a unit member accepting an order a colleague has just accepted:
the page answers with a message) is counted apart (printed at the end), not as a failure; any 5xx,
an unexpected status or a page that is not what was asked for is a failure. Every response's
Server-Timing header (app;dur=…: the time in Django) is collected per request name and written to
bench/out/load_server_timing.csv at the end.

Fixtures (the PBX's API token, category and customer samples) come from `python bench/locustfile.py
--prepare`, which run_load.sh calls with the server's DATABASE_URL, and `--revoke` withdraws the token.
"""

import csv
import json
import os
import random
import re
import sys
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

OUT = Path(os.environ.get("LOAD_OUT", Path(__file__).resolve().parent / "out"))
FIXTURES = OUT / "load_fixtures.json"
PASSWORD = os.environ.get("LOAD_PASSWORD", "Kefu@2026")
TOKEN_NAME = "负载测试交换机（bench/locustfile.py）"
CST = timezone(timedelta(hours=8))

# Two-character words and four-character phrases of the matters the hotline seed writes.
SEARCH_WORDS = [
    "停水", "漏水", "水压", "水费", "抄表", "水表", "阀门", "欠费", "发票", "铅封", "噪音", "冻裂",
    "水表漏水", "停水通知", "水压太低", "阶梯水价", "主管道漏", "恢复供水", "翠苑一区", "望江家园",
]  # fmt: skip
MATTERS = {
    "consult": [
        "咨询阶梯水价标准，本月水费比上月高", "询问小区明天是否计划停水", "咨询过户需要带哪些材料",
        "咨询网上缴纳水费的方式，想开通银行代扣", "咨询低保户水费减免政策如何申请",
    ],
    "repair": [
        "客户家水表漏水，表前阀门关不紧", "小区楼道管道井漏水，水流到楼下", "突然停水，没有看到停水通知",
        "高层水压太低用不上水", "门口地面冒水，疑似地下管道破裂",
    ],
    "billing": ["客户反映本月水费突然增加，怀疑抄表有误", "已缴水费但系统仍显示欠费，要求核查"],
    "service_complaint": ["投诉维修人员约定上门未到，也未电话告知", "投诉抄表员态度恶劣，说话不礼貌"],
    "invalid": ["来电无声", "打错电话", "骚扰电话，未说明来意"],
}  # fmt: skip
ANSWERS = ["已告知客户阶梯水价标准及查询方式", "已告知停水计划及恢复时间", "已告知所需材料和办理地点"]

ORDER_LINK = re.compile(r'href="/hotline/orders/(\d+)/"')
CALLBACK_FIELD = re.compile(r'name="callback" value="(\d+)"')
ERROR_MESSAGE = re.compile(r'<li class="error">([^<]*)</li>')
STATIC_ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


# -- Fixtures (run with the project's Python, not by locust) ----------------------------------------


def prepare() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _setup import setup_django

    setup_django()
    from django.db import connection

    from kefu.accounts.auth import issue_token
    from kefu.accounts.models import Role, User
    from kefu.hotline.models import Category

    pbx = User.objects.filter(is_active=True, role=Role.ADMINISTRATOR).order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, phone FROM customers_customer TABLESAMPLE SYSTEM (%s) "
            "WHERE phone <> '' AND service_area_id IS NOT NULL LIMIT 5000",
            [min(100.0, max(0.1, 2_000_000 / max(1, _estimate(cursor, "customers_customer"))))],
        )
        customers = cursor.fetchall()
    users = dict(User.objects.filter(is_active=True).values_list("username", "role"))
    fixtures = {
        "token": issue_token(user=pbx, name=TOKEN_NAME),
        "categories": dict(Category.objects.values_list("code", "pk")),
        "customers": customers,
        "agents": sorted(u for u, r in users.items() if r == Role.AGENT),
        "units": sorted(u for u, r in users.items() if r == Role.UNIT_STAFF and re.fullmatch(r"unit\d\d", u)),
        "leaders": sorted(u for u, r in users.items() if r == Role.TEAM_LEADER),
        "heads": sorted(u for u, r in users.items() if r == Role.DEPARTMENT_HEAD),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    FIXTURES.write_text(json.dumps(fixtures, ensure_ascii=False))
    print(
        f"Fixtures: {len(customers)} customers, {len(fixtures['agents'])} agents, {len(fixtures['units'])} "
        f"unit staff; PBX token for {pbx.username} → {FIXTURES}"
    )


def _estimate(cursor, table: str) -> int:
    cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
    row = cursor.fetchone()
    return max(int(row[0]) if row else 0, 1)


def revoke() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _setup import setup_django

    setup_django()
    from django.utils import timezone as dj_timezone

    from kefu.accounts.models import ApiToken

    n = ApiToken.objects.filter(name=TOKEN_NAME, revoked_at__isnull=True).update(revoked_at=dj_timezone.now())
    print(f"Revoked {n} load-test token(s).")


if __name__ == "__main__":
    {"--prepare": prepare, "--revoke": revoke}[sys.argv[1]]()
    sys.exit(0)


# -- The simulated users ----------------------------------------------------------------------------

import gevent  # noqa: E402
from locust import FastHttpUser, between, events, task  # noqa: E402
from locust.contrib.fasthttp import FastHttpSession  # noqa: E402

FIX = json.loads(FIXTURES.read_text()) if FIXTURES.exists() else {}
THINK = float(os.environ.get("THINK_SCALE", "1"))  # multiplies every think time
POP_POLL = float(os.environ.get("POP_POLL_SECONDS", "2"))  # 0: no polling of the screen pop
KPI = os.environ.get("KPI", "0") == "1"
SERVER_TIMING: dict[str, list[float]] = defaultdict(list)
REFUSALS: dict[str, list[str]] = defaultdict(list)
ERRORS: list[str] = []  # every failed request of the whole run, whatever --reset-stats does to the stats
_account_turn: dict[str, int] = defaultdict(int)
LOGGED_IN = 0
TOTAL_USERS = sum(
    int(os.environ.get(k, d)) for k, d in (("AGENTS", 40), ("UNIT_STAFF", 8), ("LEADERS", 1), ("HEADS", 1))
)
MEASURE_FROM_ALL_LOGGED_IN = os.environ.get("MEASURE_FROM_ALL_LOGGED_IN", "1") == "1"
MEASURE_SECONDS = float(os.environ.get("MEASURE_SECONDS", "0"))


def account(kind: str) -> str:
    """The next account of this kind, round robin: users share accounts when there are more of them."""
    names = FIX.get(kind) or []
    if not names:
        raise RuntimeError(f"no {kind} in the fixtures: run bench/locustfile.py --prepare")
    name = names[_account_turn[kind] % len(names)]
    _account_turn[kind] += 1
    return name


@events.request.add_listener
def _server_timing(request_type, name, response=None, exception=None, **_):
    if exception is not None:
        ERRORS.append(f"{request_type} {name}: {exception!s:.200}")
        return
    if response is None:
        return
    header = (response.headers or {}).get("Server-Timing") or (response.headers or {}).get("server-timing")
    if header and "dur=" in header:
        try:
            SERVER_TIMING[name].append(float(header.split("dur=")[1].split(";")[0].split(",")[0]))
        except ValueError:
            pass


@events.user_error.add_listener
def _task_error(user_instance, exception, tb, **_):
    ERRORS.append(f"{type(user_instance).__name__} task: {exception!r:.200}")


def _all_logged_in(environment) -> None:
    """The measurement starts when every user has logged in: the ramp-up's 50 logins (Argon2, slow
    on purpose) are a burst of their own. Errors (ERRORS) are kept from the start."""
    global LOGGED_IN
    LOGGED_IN += 1
    if MEASURE_FROM_ALL_LOGGED_IN and LOGGED_IN == TOTAL_USERS:
        environment.stats.reset_all()
        SERVER_TIMING.clear()
        print(f"{datetime.now():%H:%M:%S} all {TOTAL_USERS} users logged in: statistics reset", flush=True)
        if MEASURE_SECONDS > 0:  # then the run lasts that long (locust's --run-time is only a cap)
            gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)


@events.test_stop.add_listener
def _write_server_timing(environment, **_):
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "load_server_timing.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Name", "Count", "p50 ms", "p95 ms", "p99 ms", "max ms"])
        for name, values in sorted(SERVER_TIMING.items()):
            values.sort()
            writer.writerow([name, len(values), *(f"{_pick(values, q):.1f}" for q in (0.5, 0.95, 0.99, 1.0))])
    (OUT / "load_errors.json").write_text(json.dumps({"count": len(ERRORS), "examples": ERRORS[:20]}))
    (OUT / "load_refusals.json").write_text(
        json.dumps({k: {"count": len(v), "examples": v[:5]} for k, v in REFUSALS.items()}, ensure_ascii=False)
    )


def _pick(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))] if values else float("nan")


def think(low: float, high: float) -> float:
    return random.uniform(low, high) * THINK


class Staff(FastHttpUser):
    abstract = True
    kind = ""
    wait_time = between(2 * THINK, 8 * THINK)
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.username = account(self.kind)
        # The PBX is another program: its own connection, its token, no browser session.
        self.exchange = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self,
            network_timeout=self.network_timeout, connection_timeout=self.connection_timeout,
        )  # fmt: skip
        self.login()

    # -- helpers

    def wait_seconds(self, seconds: float) -> None:
        gevent.sleep(seconds)

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def login(self) -> None:
        self.page("/login/", "login form")
        with self.client.post(
            "/login/",
            data=urlencode(
                {
                    "username": self.username,
                    "password": PASSWORD,
                    "next": "/",
                    "csrfmiddlewaretoken": self.csrf(),
                }
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="login (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"login of {self.username} refused ({response.status_code})")
                return
        home = self.page("/", "home page")
        # A browser fetches the style sheet and scripts once, then caches them.
        for asset in sorted(set(STATIC_ASSET.findall(home)))[:6]:
            self.client.get(asset, name="static file")
        _all_logged_in(self.environment)

    def page(self, url: str, name: str, *, htmx: bool = False, expect: str | None = None) -> str:
        headers = {"HX-Request": "true"} if htmx else {}
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif 'name="password"' in text and name != "login form":
                response.failure("the session was lost (redirected to the login form)")
            elif expect is not None and expect not in text:
                response.failure(f"the page does not show {expect!r}")
            return text

    def form_post(self, url: str, name: str, fields: dict, *, refusal_ok: bool = False) -> str | None:
        """A form POST as the browser sends it; the redirect it answers with is followed like a browser.
        Returns the page shown after it, or None when the step failed."""
        with self.client.post(
            url,
            data=urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.client.base_url + url,
            },
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} instead of a redirect")
                return None
            location = response.headers.get("Location", "")
        shown = self.page(location, f"{name} → page shown after")
        refused = ERROR_MESSAGE.findall(shown)
        if refused:
            if refusal_ok:
                REFUSALS[name].append(refused[0])
            else:
                self.environment.events.request.fire(
                    request_type="POST", name=name + " (refused)", response_time=0, response_length=0,
                    exception=Exception(refused[0]), context={},
                )  # fmt: skip
            return None
        return shown

    def pbx(self, call_id: str, event: str, caller: str) -> None:
        body = {
            "call_id": call_id, "event": event, "agent": self.username, "caller": caller,
            "timestamp": datetime.now(CST).isoformat(timespec="seconds"),
        }  # fmt: skip
        with self.exchange.post(
            "/api/telephony/events",
            json=body,
            headers={"Authorization": f"Bearer {FIX['token']}"},
            name=f"PBX {event} event (API)",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")

    def search(self) -> None:
        word = random.choice(SEARCH_WORDS)
        self.page(f"/hotline/contacts/?{urlencode({'q': word})}", "contact full-text search")

    def order_ids(self, html: str) -> list[int]:
        return [int(x) for x in dict.fromkeys(ORDER_LINK.findall(html))]


class Agent(Staff):
    kind = "agents"
    fixed_count = int(os.environ.get("AGENTS", "40"))
    wait_time = between(0, 0)  # the agent's waiting is polling the pop, inside the task

    def on_start(self) -> None:
        super().on_start()
        self.page("/hotline/", "workspace", expect="contact-form")

    def idle(self, seconds: float) -> None:
        """In the workspace, waiting: the screen pop's htmx poll every POP_POLL seconds."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if POP_POLL <= 0:
                self.wait_seconds(left)
                return
            self.page("/telephony/pop/", "screen pop poll (htmx)", htmx=True)
            self.wait_seconds(min(POP_POLL, max(0.0, end - time.monotonic())))

    @task(10)
    def take_a_call(self) -> None:
        self.idle(think(2, 10))
        customer = random.choice(FIX["customers"]) if random.random() < 0.8 else None
        caller = customer[1] if customer else f"1{random.choice('3578')}{random.randrange(10**9):09d}"
        call_id = f"LOAD-{uuid.uuid4().hex[:24]}"
        self.pbx(call_id, "ring", caller)
        pop = self.page("/telephony/pop/", "screen pop poll (htmx)", htmx=True)
        if call_id not in pop:
            # Another simulated user on the same account took a call a moment later: the pop shows the
            # newest call. Not an error of the system; the agent answers this one all the same.
            REFUSALS["screen pop shows another call of the same account"].append(call_id)
        self.wait_seconds(think(1, 6))  # it rings
        self.pbx(call_id, "answer", caller)
        query = {"phone": caller, "call_id": call_id} | ({"customer": customer[0]} if customer else {})
        self.page(f"/hotline/?{urlencode(query)}", "workspace filled from the pop", expect="contact-form")
        if customer:
            self.page(
                f"/hotline/customer-history/?customer={customer[0]}", "customer history (htmx)", htmx=True
            )
        code, disposition = self.choose(customer)
        category = FIX["categories"][code]
        preview = {"category": category, "customer": customer[0] if customer else ""}
        self.page(f"/hotline/route-preview/?{urlencode(preview)}", "route preview (htmx)", htmx=True)
        self.wait_seconds(think(2, 8))  # listening, typing
        matter = random.choice(MATTERS[code])
        with self.client.post(
            "/hotline/suggest/",
            data=urlencode({"matter": matter, "csrfmiddlewaretoken": self.csrf()}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                     "X-CSRFToken": self.csrf()},
            name="category suggestion (htmx)",
        ):  # fmt: skip
            pass
        self.wait_seconds(think(2, 8))
        fields = {
            "channel": "phone", "customer": customer[0] if customer else "", "caller_name": "",
            "phone": caller, "address": "", "service_area": "", "matter": matter, "category": category,
            "priority": "normal", "disposition": disposition, "unit": "", "call_id": call_id,
            "result": random.choice(ANSWERS) if disposition == "answered" else "",
            "suggested_category": "", "suggestion_confidence": "",
        }  # fmt: skip
        self.form_post("/hotline/", f"save contact ({disposition})", fields)
        self.pbx(call_id, "hangup", caller)

    def choose(self, customer) -> tuple[str, str]:
        roll = random.random()
        if customer is None:  # not on file: advice, or nothing to record
            return ("invalid", "closed") if roll < 0.3 else ("consult", "answered")
        if roll < 0.40:
            return "consult", "answered"
        if roll < 0.77:
            return "repair", "transferred"
        if roll < 0.87:
            return "billing", "transferred"
        if roll < 0.92:
            return "service_complaint", "transferred"
        return "invalid", "closed"

    @task(3)
    def my_orders(self) -> None:
        html = self.page("/hotline/orders/?queue=mine", "work orders: mine")
        ids = self.order_ids(html)
        if ids:
            self.wait_seconds(think(1, 4))
            self.page(f"/hotline/orders/{random.choice(ids[:10])}/", "work order page")

    @task(2)
    def close_the_loop(self) -> None:
        """An order a unit has replied to: call the customer back, then close it (首问负责制)."""
        html = self.page("/hotline/orders/?queue=mine&state=replied", "work orders: mine, replied")
        ids = self.order_ids(html)
        if not ids:
            return
        pk = random.choice(ids[:10])
        detail = self.page(f"/hotline/orders/{pk}/", "work order page")
        callback = CALLBACK_FIELD.search(detail)
        if not callback:
            return
        self.wait_seconds(think(5, 15))  # on the phone with the customer
        fields = {
            "callback": callback.group(1),
            "reached": "yes",
            "satisfied": "yes",
            "feedback": "客户确认已处理",
        }
        shown = self.form_post(f"/hotline/orders/{pk}/callback/", "record callback", fields, refusal_ok=True)
        if shown and 'id="action-close"' in shown:
            self.wait_seconds(think(1, 4))
            self.form_post(f"/hotline/orders/{pk}/close/", "close work order", {"note": ""}, refusal_ok=True)

    @task(2)
    def overdue(self) -> None:
        self.page("/hotline/orders/?queue=overdue", "work orders: overdue")

    @task(3)
    def search_contacts(self) -> None:
        self.search()


class UnitStaff(Staff):
    kind = "units"
    fixed_count = int(os.environ.get("UNIT_STAFF", "8"))

    @task(5)
    def work_the_queue(self) -> None:
        html = self.page("/hotline/orders/?queue=unit&state=transferred&sort=new", "work orders: unit queue")
        ids = self.order_ids(html)
        if not ids:
            return
        pk = random.choice(ids[:5])
        detail = self.page(f"/hotline/orders/{pk}/", "work order page")
        if 'id="action-accept"' not in detail:
            return
        self.wait_seconds(think(1, 4))
        shown = self.form_post(f"/hotline/orders/{pk}/accept/", "accept work order", {}, refusal_ok=True)
        if not shown or 'id="action-reply"' not in shown:
            return
        self.wait_seconds(think(5, 20))  # the job is done (in real life: hours later)
        fields = {"result": "已派员现场处理完毕，客户确认恢复正常"}
        self.form_post(f"/hotline/orders/{pk}/reply/", "reply to work order", fields, refusal_ok=True)

    @task(1)
    def accepted(self) -> None:
        self.page("/hotline/orders/?queue=unit&state=accepted", "work orders: unit queue, accepted")

    @task(1)
    def overdue(self) -> None:
        self.page("/hotline/orders/?queue=overdue", "work orders: overdue")


class TeamLeader(Staff):
    kind = "leaders"
    fixed_count = int(os.environ.get("LEADERS", "1"))

    @task(3)
    def overdue(self) -> None:
        html = self.page("/hotline/orders/?queue=overdue", "work orders: overdue")
        ids = self.order_ids(html)
        if ids:
            self.page(f"/hotline/orders/{random.choice(ids[:10])}/", "work order page")

    @task(1)
    def escalated(self) -> None:
        self.page("/hotline/orders/?queue=escalated", "work orders: escalated")

    @task(1)
    def answer_stats(self) -> None:
        self.page("/telephony/stats/", "answer-time statistics")

    @task(2)
    def search_contacts(self) -> None:
        self.search()


class DepartmentHead(Staff):
    kind = "heads"
    fixed_count = int(os.environ.get("HEADS", "1"))

    @task(3 if KPI else 0)
    def dashboard(self) -> None:
        self.page("/kpi/", "KPI dashboard")

    @task(1)
    def weekly(self) -> None:
        self.page("/reports/weekly/", "report: weekly")

    @task(1)
    def timeliness(self) -> None:
        self.page("/reports/timeliness/", "report: timeliness")

    @task(1)
    def escalated(self) -> None:
        self.page("/hotline/orders/?queue=escalated", "work orders: escalated")
