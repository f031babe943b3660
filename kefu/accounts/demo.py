"""The demo water utility's organisation: center, departments, shifts covering 24 hours, six branch
companies each with its service area, the other responsible units, and ~50 staff in every role.

Deterministic: the same names and usernames every run. Idempotent: a second run changes nothing.
"""

from dataclasses import dataclass
from datetime import time

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kefu.accounts.events import AccountEvents
from kefu.accounts.models import Center, Department, Role, ServiceArea, Team, Unit, User
from kefu.accounts.services import create_staff
from kefu.core.models import Event
from kefu.core.registry import Seeder

DEMO_PASSWORD = "Kefu@2026"

BRANCHES = [
    # (unit code, branch name, area code, area name, area description, phone, billing phone)
    ("FGS01", "城东供水分公司", "CD", "城东片区", "解放路以东、钱塘江以北", "0571-86010001", "0571-86010002"),
    ("FGS02", "城西供水分公司", "CX", "城西片区", "文三路、古墩路一带", "0571-86020001", "0571-86020002"),
    ("FGS03", "城南供水分公司", "CN", "城南片区", "南星桥至九堡", "0571-86030001", "0571-86030002"),
    ("FGS04", "城北供水分公司", "CB", "城北片区", "拱墅、半山一带", "0571-86040001", "0571-86040002"),
    ("FGS05", "高新供水分公司", "GX", "高新片区", "高新区、滨江北部", "0571-86050001", "0571-86050002"),
    ("FGS06", "临江供水分公司", "LJ", "临江片区", "临江新城及沿江工业区", "0571-86060001", "0571-86060002"),
]
OTHER_UNITS = [
    ("JCD", "供水稽查执法队", Unit.Kind.INSPECTION, "0571-86070001"),
    ("JWJC", "纪委监察室", Unit.Kind.DISCIPLINE, "0571-86080001"),
    ("XWB", "新闻办公室", Unit.Kind.PRESS, "0571-86090001"),
    ("ZXLD", "中心领导", Unit.Kind.LEADERSHIP, "0571-86000001"),
]
TEAMS = [
    # The teams turn through the shifts week by week on the roster (kefu/workforce/demo.py); the hours
    # here are only the handover form's default for someone not on the roster.
    ("RX1", "热线一班", time(8), time(16)),
    ("RX2", "热线二班", time(16), time(0)),
    ("RX3", "热线三班", time(0), time(8)),
    ("RX4", "热线四班", time(8), time(16)),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "丽",
    "芳",
    "敏",
    "静",
    "婷",
    "秀英",
    "伟",
    "强",
    "磊",
    "洋",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓燕",
    "文博",
    "思雨",
    "子涵",
    "浩然",
    "雨欣",
    "梓轩",
]


@dataclass
class DemoOrganisation:
    center: Center
    areas: list[ServiceArea]
    staff: dict[str, User]


def staff_name(n: int) -> str:
    return SURNAMES[n * 7 % len(SURNAMES)] + GIVEN[n * 11 % len(GIVEN)]


@transaction.atomic
def create_demo_organisation() -> DemoOrganisation:
    center, _ = Center.objects.get_or_create(
        code="ZX",
        defaults={"name": "市自来水公司客户服务中心", "hotline": "96390", "address": "市中心区建国北路288号"},
    )
    service_dept, _ = Department.objects.get_or_create(
        code="KFB", defaults={"center": center, "name": "客服部"}
    )
    counter_dept, _ = Department.objects.get_or_create(
        code="YYB", defaults={"center": center, "name": "营业窗口部"}
    )
    meter_dept, _ = Department.objects.get_or_create(
        code="BWK", defaults={"center": center, "name": "表务稽查科"}
    )
    office, _ = Department.objects.get_or_create(
        code="ZHB", defaults={"center": center, "name": "综合办公室"}
    )
    teams = []
    for code, name, start, end in TEAMS:
        team, _ = Team.objects.get_or_create(
            code=code,
            defaults={"department": service_dept, "name": name, "shift_start": start, "shift_end": end},
        )
        teams.append(team)
    counter_team, _ = Team.objects.get_or_create(
        code="CK1",
        defaults={
            "department": counter_dept,
            "name": "营业窗口班",
            "shift_start": time(8, 30),
            "shift_end": time(17),
        },
    )

    areas, branches = [], []
    for unit_code, branch_name, area_code, area_name, description, phone, billing in BRANCHES:
        branch, _ = Unit.objects.get_or_create(
            code=unit_code,
            defaults={
                "name": branch_name,
                "kind": Unit.Kind.BRANCH,
                "phone": phone,
                "billing_phone": billing,
            },
        )
        area, _ = ServiceArea.objects.get_or_create(
            code=area_code, defaults={"name": area_name, "branch": branch, "description": description}
        )
        branches.append(branch)
        areas.append(area)
    others = {}
    for code, name, kind, phone in OTHER_UNITS:
        others[kind], _ = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "phone": phone}
        )

    plan = _staff_plan(service_dept, counter_dept, meter_dept, office, teams, counter_team, branches, others)
    staff = _create_staff(plan)
    return DemoOrganisation(center=center, areas=areas, staff=staff)


def _staff_plan(service_dept, counter_dept, meter_dept, office, teams, counter_team, branches, others):
    """(username, role, department, team, unit) for every demo member of staff."""
    plan = [
        ("admin", Role.ADMINISTRATOR, office, None, None),
        ("director", Role.CENTER_DIRECTOR, office, None, others[Unit.Kind.LEADERSHIP]),
        ("head", Role.DEPARTMENT_HEAD, service_dept, None, None),
    ]
    for t, team in enumerate(teams, start=1):
        plan.append((f"leader{t}", Role.TEAM_LEADER, service_dept, team, None))
        plan += [(f"agent{t}{i}", Role.AGENT, service_dept, team, None) for i in range(1, 5)]
    plan += [(f"qa{i}", Role.QA_INSPECTOR, service_dept, None, None) for i in (1, 2)]
    plan += [(f"clerk{i}", Role.COUNTER_CLERK, counter_dept, counter_team, None) for i in range(1, 7)]
    for b, branch in enumerate(branches, start=1):
        plan += [(f"unit{b}{i}", Role.UNIT_STAFF, None, None, branch) for i in (1, 2)]
    plan += [(f"inspect{i}", Role.UNIT_STAFF, None, None, others[Unit.Kind.INSPECTION]) for i in (1, 2)]
    plan += [
        ("discipline1", Role.UNIT_STAFF, None, None, others[Unit.Kind.DISCIPLINE]),
        ("press1", Role.UNIT_STAFF, None, None, others[Unit.Kind.PRESS]),
    ]
    plan += [(f"inspector{i}", Role.FIELD_INSPECTOR, meter_dept, None, None) for i in (1, 2, 3)]
    # The design office holds the survey and design stage of a new connection (processes migration 0007).
    design_office = Unit.objects.filter(code="design_office").first()
    if design_office:
        plan.append(("design1", Role.UNIT_STAFF, None, None, design_office))
    plan += [
        ("meterstore", Role.METER_STORE_KEEPER, meter_dept, None, None),
        ("archivist", Role.ARCHIVIST, office, None, None),
    ]
    # The leadership's secretary works the orders sent to 中心领导 (issue 13 item 1: without anyone in
    # the unit, the demo's leadership orders stayed open for ever). Added last, so that the employee
    # numbers of the staff above stay what they were.
    plan.append(("leadership1", Role.UNIT_STAFF, None, None, others[Unit.Kind.LEADERSHIP]))
    # Issue 16: the training specialist (培训专员) who drafts the monthly appraisal, and a third QA
    # inspector so that a calibration has several scorers. Last again, for the same reason.
    plan.append(("trainer1", Role.TRAINING_SPECIALIST, service_dept, None, None))
    plan.append(("qa3", Role.QA_INSPECTOR, service_dept, None, None))
    return plan


def _create_staff(plan) -> dict[str, User]:
    existing = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in plan])}
    password_hash = make_password(DEMO_PASSWORD)  # hash once: Argon2 is slow on purpose
    staff = {}
    for n, (username, role, department, team, unit) in enumerate(plan, start=1):
        if username in existing:
            staff[username] = existing[username]
            continue
        user = create_staff(
            actor=None,
            username=username,
            name=staff_name(n),
            role=role,
            employee_no=f"{n:04d}",
            department=department,
            team=team,
            unit=unit,
            phone=f"1390571{n:04d}",
            is_superuser=username == "admin",
        )
        user.password = password_hash
        user.save(update_fields=["password"])
        staff[username] = user
    return staff


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) pairs worth printing on start-up: one per role."""
    return [
        ("admin", "系统管理员"),
        ("director", "中心主任"),
        ("head", "客服部主任"),
        ("leader1", "班长"),
        ("agent11", "话务员"),
        ("qa1", "质检组长"),
        ("trainer1", "培训专员"),
        ("clerk1", "窗口营业员"),
        ("unit11", "城东供水分公司"),
        ("unit21", "城西供水分公司"),
        ("discipline1", "纪委监察室"),
        ("leadership1", "中心领导（秘书）"),
        ("design1", "设计室"),
        ("budget1", "预算室"),
        ("inspector1", "稽查员"),
        ("meterstore", "表库管理员"),
        ("archivist", "档案员"),
        ("engineer1", "工程部经理"),  # made by the key cabinet's demo (kefu/archives/demo_keys.py)
    ]


def seed_organisation(options: dict) -> list[str]:
    create_demo_organisation()
    return []


def logins_line() -> list[str]:
    return [f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "，".join(f"{u}（{r}）" for u, r in demo_logins())]


# The organisation and staff come first: every other seeder needs the areas, units and people.
SEEDER = Seeder("accounts", 10, seed_organisation, closing=logins_line)

# A3, H7 on the demo: an agent goes on long leave and the head hands her open orders to a colleague,
# so that the hand-over page, the orders' timelines and the customers' archives (更换中心联系人) show it.
ON_LEAVE, SUCCESSOR = "agent44", "agent41"


def seed_hand_over(options: dict) -> list[str]:
    from django.core.exceptions import ValidationError

    from kefu.accounts.services import hand_over_holdings, holdings_of

    people = {u.username: u for u in User.objects.filter(username__in=["head", ON_LEAVE, SUCCESSOR])}
    if len(people) < 3 or Event.objects.filter(verb=AccountEvents.STAFF_HANDED_OVER).exists():
        return []  # a second run changes nothing
    on_leave = people[ON_LEAVE]
    if not holdings_of(on_leave):
        # A small demo may leave agent44 nothing open: the colleague of the same team holding most goes.
        mates = _team_agents(people[SUCCESSOR])
        held = [(sum(n for _, n, _ in holdings_of(agent)), agent) for agent in mates]
        count, on_leave = max(held, key=lambda pair: pair[0], default=(0, None))
        if not count:
            return []
    try:
        moved = hand_over_holdings(
            actor=people["head"], from_user=on_leave, to_user=people[SUCCESSOR], reason="休长假，在办工单移交"
        )
    except ValidationError:
        return []
    return [f"演示移交：{on_leave}休长假，{sum(moved.values())}件在办事项已移交给{people[SUCCESSOR]}"]


def _team_agents(successor: User) -> list[User]:
    """The successor's team mates who are not demo logins (whose own queues the demo should keep)."""
    logins = {username for username, _ in demo_logins()}
    return list(
        User.objects.filter(role=Role.AGENT, is_active=True, team_id=successor.team_id)
        .exclude(pk=successor.pk)
        .exclude(username__in=logins)
        .order_by("username")
    )


# After the orders and processes exist (hotline 40, processes 50), before the KPI rollups (90).
HAND_OVER_SEEDER = Seeder("accounts.hand_over", 80, seed_hand_over)
