"""Demo data: python manage.py seed_demo [--customers N] [--seed S]."""

import csv
from collections import Counter

import pytest
from django.core.management import call_command

from kefu.accounts.models import ServiceArea, User
from kefu.core.models import Event
from kefu.core.validators import normalise_credit_code, normalise_phone, normalise_resident_id
from kefu.customers.demo import KNOWN, REFERENCE_DATE, DemoGenerator
from kefu.customers.importing import HEADERS, import_customers
from kefu.customers.models import Account, ContactPerson, Contract, Customer, Meter, ServicePoint

AREAS = {"CD": 1, "CX": 2, "CN": 3, "CB": 4, "GX": 5, "LJ": 6}


def snapshot() -> list[tuple]:
    return list(
        Customer.objects.order_by("number").values_list(
            "number",
            "kind",
            "name",
            "id_number",
            "phone",
            "address",
            "service_area__code",
            "low_income",
            "accounts__number",
            "accounts__arrears",
            "service_points__connection_point_no",
            "service_points__meters__number",
            "service_points__meters__caliber_dn",
        )
    )


def test_the_same_seed_makes_the_same_customers_and_another_seed_others():
    # given
    def people(seed):
        return [
            (c.name, c.id_number, c.phone, c.address) for c in DemoGenerator(seed, AREAS).customers(1, 300)
        ]

    # when / then
    assert people(7) == people(7)
    assert people(7)[20:] != people(8)[20:]
    assert people(7)[: len(KNOWN)] == people(8)[: len(KNOWN)]  # the known ones are fixed


def test_any_slice_of_customers_is_the_same_as_in_a_full_run():
    # given
    generator = DemoGenerator(3, AREAS)

    # when
    whole = list(generator.customers(1, 2500))
    part = list(generator.customers(1990, 2010))

    # then
    assert [c.name + c.phone for c in part] == [c.name + c.phone for c in whole[1989:2010]]


def test_numbers_that_must_be_unique_never_collide_whatever_the_seed():
    # given
    customers = list(DemoGenerator(1, AREAS).customers(1, 20000)) + list(
        DemoGenerator(2, AREAS).customers(20001, 40000)
    )

    # when
    id_numbers = [c.id_number for c in customers if c.id_number]
    accounts = [a.number for c in customers for a in c.accounts]
    points = [p.connection_point_no for c in customers for p in c.points]
    meters = [m.number for c in customers for p in c.points for m in p.meters]

    # then
    for numbers in (id_numbers, accounts, points, meters, [c.number for c in customers]):
        assert len(numbers) == len(set(numbers))


def test_the_generated_customers_look_like_a_chinese_water_utility_s():
    # given
    customers = list(DemoGenerator(2026, AREAS).customers(1, 10000))
    individuals = [c for c in customers if c.kind == "individual"]
    meters = [m for c in customers for p in c.points for m in p.meters]

    # then: mostly individuals, some units and clusters of 20 or more households
    kinds = Counter(c.kind for c in customers)
    assert kinds["individual"] > 9000 and kinds["unit"] > 300 and kinds["cluster"] > 50
    assert all(c.household_count >= 20 for c in customers if c.kind == "cluster")
    # about 3% of households on low income, each with a certificate; about 8% in arrears
    low_income = [c for c in individuals if c.low_income]
    assert 0.02 < len(low_income) / len(individuals) < 0.045
    assert all(c.low_income_certificate and c.low_income_valid_until for c in low_income)
    assert 0.06 < sum(1 for c in customers if c.accounts[0].arrears) / len(customers) < 0.10
    # valid identity numbers; mobiles and some landlines, digits only
    assert all(normalise_resident_id(c.id_number) == c.id_number for c in individuals)
    assert all(normalise_credit_code(c.id_number) == c.id_number for c in customers if c.kind == "unit")
    assert all(normalise_phone(c.phone) == c.phone for c in customers)
    assert 0.05 < sum(1 for c in customers if c.phone.startswith("0")) / len(customers) < 0.25
    # the compound and tricky surnames appear
    assert any(c.name.startswith("欧阳") for c in individuals) and any(
        c.name.startswith("单") for c in individuals
    )
    # meters mostly DN15-25; each fitted at its caliber's last age-based replacement (6, 4 or 2 years,
    # ch.4 §4.1.1, plus a few months' backlog), so a year's plan lists some, not most; DN32/65 have no cycle
    calibers = Counter(m.caliber_dn for m in meters)
    assert sum(calibers[d] for d in (15, 20, 25)) / len(meters) > 0.85
    assert {40, 50, 80, 100, 150, 200, 300} <= set(calibers)
    assert all(m.install_date <= REFERENCE_DATE for m in meters)
    cycle = {15: 6, 20: 6, 25: 6, 40: 4, 50: 4}
    for m in meters:
        if m.caliber_dn in cycle:
            assert (REFERENCE_DATE - m.install_date).days <= cycle[m.caliber_dn] * 365 + 100
    assert any(c.contacts for c in individuals) and all(c.contracts for c in customers if c.kind == "unit")


def test_generated_customers_pass_the_importer_s_rules(tmp_path, db):
    # given: the six areas, and 300 demo customers written as an import file
    areas = {}
    for code in AREAS:
        areas[code] = ServiceArea.objects.create(code=code, name=f"{code}片区", branch=_branch()).pk
    generator = DemoGenerator(11, areas)
    path = tmp_path / "demo.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for customer in generator.customers(101, 400):
            row = generator.import_row(customer)
            writer.writerow([row.get(h, "") for h in HEADERS])

    # when
    result = import_customers(path)

    # then
    assert result.errors == []
    assert result.imported == 300


def _branch():
    from kefu.accounts.tests.factories import UnitFactory

    return UnitFactory()


def test_seed_demo_makes_the_organisation_and_customers_and_a_second_run_adds_nothing(db, capsys):
    # when
    call_command("seed_demo", customers=30, seed=5)
    first = snapshot()
    call_command("seed_demo", customers=30, seed=5)

    # then
    assert Customer.objects.count() == 30 and snapshot() == first
    # each customer's, and each new connection the counter's demo completed and filed in an archive
    from kefu.processes.models import Process

    filed = Process.objects.filter(definition__code="new_connection", state=Process.State.COMPLETED).count()
    assert Account.objects.count() == ServicePoint.objects.count() == Meter.objects.count() == 30 + filed
    assert ServiceArea.objects.count() == 6 and User.objects.filter(username="agent11").exists()
    events = Event.objects.filter(verb="customer.opened")
    assert events.count() == 30 and set(events.values_list("note", flat=True)) == {"演示数据"}
    out = capsys.readouterr().out
    assert "新增 30 户" in out and "30 户已存在，未新增" in out
    assert "KH00000001 王建国 13812345678 城西片区" in out


def test_seed_demo_is_deterministic(db):
    # given
    # (no demo rows that point at the customers: calls, businesses, payments, letters)
    options = {"contacts": 0, "processes": False, "payments": 0, "correspondence": False, "verbosity": 0}
    call_command("seed_demo", customers=25, seed=9, **options)
    first = snapshot()

    # when: everything removed and made again
    Event.objects.all().delete()
    Meter.objects.all().delete()
    ServicePoint.objects.all().delete()
    Account.objects.all().delete()
    ContactPerson.objects.all().delete()
    Contract.objects.all().delete()
    # the key cabinet's owners (issue 17): their issues go, the keys stay in the cabinet without an owner
    from kefu.archives.models import Key, KeyIssue

    KeyIssue.objects.all().delete()
    Key.objects.update(customer=None)
    # the archive's files and the inspection cases keep their records, without the customer
    from kefu.archives.models import ArchiveFile
    from kefu.inspection.models import Case

    ArchiveFile.objects.update(customer=None)
    Case.objects.update(customer=None)
    Customer.objects.all().delete()
    call_command("seed_demo", customers=25, seed=9, **options)

    # then
    assert snapshot() == first


def test_seed_demo_with_more_customers_adds_only_the_missing_ones(db):
    # given
    call_command("seed_demo", customers=20, processes=False, verbosity=0)
    before = dict(Customer.objects.values_list("number", "pk"))

    # when
    call_command("seed_demo", customers=45, processes=False, verbosity=0)

    # then
    assert Customer.objects.count() == 45
    assert {n: pk for n, pk in Customer.objects.values_list("number", "pk") if n in before} == before


def test_seed_demo_leaves_a_customer_number_taken_by_hand_alone(db):
    # given
    call_command("seed_demo", customers=10, processes=False, verbosity=0)
    hand_made = Customer.objects.get(number="KH00000010")
    Customer.objects.filter(pk=hand_made.pk).update(name="手工建档")

    # when
    call_command("seed_demo", customers=12, processes=False, verbosity=0)

    # then
    assert Customer.objects.count() == 12
    assert Customer.objects.get(number="KH00000010").name == "手工建档"


@pytest.mark.parametrize(
    ("number", "name", "phone", "area", "initials"),
    [
        ("KH00000001", "王建国", "13812345678", "CX", "wjg"),
        ("KH00000002", "曾国藩", "13900001111", "CN", "zgf"),
        ("KH00000003", "单田芳", "13900002222", "CB", "stf"),
        ("KH00000004", "欧阳秀英", "057186123456", "CD", "oyxy"),
    ],
)
def test_the_known_demo_customers_are_there_for_the_tests_and_the_docs(
    db, number, name, phone, area, initials
):
    # when
    call_command("seed_demo", customers=0, processes=False, verbosity=0)

    # then
    customer = Customer.objects.get(number=number)
    assert (customer.name, customer.phone, customer.service_area.code, customer.name_initials) == (
        name,
        phone,
        area,
        initials,
    )
    assert normalise_resident_id(customer.id_number) == customer.id_number


def test_the_known_customers_with_low_income_and_arrears_are_as_documented(db):
    # when
    call_command("seed_demo", customers=0, processes=False, verbosity=0)

    # then
    assert Customer.objects.get(name="李秀兰").low_income is True
    assert str(Account.objects.get(customer__name="张伟").arrears) == "356.80"
    assert Customer.objects.get(name="金色家园").household_count == 486
    assert Customer.objects.get(name="鑫盛餐饮有限公司").id_type == "credit_code"


def test_seed_demo_puts_every_shipped_counter_business_in_hand(db):
    from kefu.processes.models import Approval, Process, ProcessDefinition

    call_command("seed_demo", customers=60, contacts=0, verbosity=0)
    shipped = set(ProcessDefinition.objects.values_list("code", flat=True))
    assert set(Process.objects.values_list("definition__code", flat=True)) == shipped
    # the design office and a branch each have a stage to work, and a leader has approvals waiting
    assert Process.objects.filter(unit__code="design_office").exists()
    assert Process.objects.filter(unit__kind="branch").exists()
    assert Approval.objects.filter(status=Approval.Status.PENDING).count() == 2


def test_each_app_registers_its_demo_seeder_in_the_order_the_data_needs():
    from kefu.core.registry import platform

    # the organisation before the customers, the customers before the contacts, the rollups last
    names = [seeder.name for seeder in platform.ordered_seeders()]
    assert names == [
        "accounts",
        "customers",
        "knowledge",
        "hotline",
        "telephony",  # a year of call history for the workforce forecast
        "workforce",  # the roster, leave, swaps, attendance and a plan drawn from that forecast
        "incidents",
        "hotline_collaboration",
        "processes",
        "meters",  # the store, plans, replacements, returns, acceptances; after the processes' tasks
        "collection",
        "archives",  # files of the finished business, loans, a destruction, the key cabinet of one estate
        "inspection",  # cases at every stage, the year's patrol plan; after the meters' tasks
        "quality",  # a month of checks and a closed appraisal month, from the contacts and attendance
        "accounts.hand_over",  # an agent on leave hands her orders over (A3, H7), once they exist
        "kpi",
    ]


def test_seed_demo_reports_each_seeder_and_ends_with_the_demo_logins(db, capsys):
    # when
    call_command("seed_demo", customers=30, contacts=10)

    # then every app's seeder said what it did, and the logins come last
    lines = capsys.readouterr().out.splitlines()
    for start in (
        "演示客户：新增 30 户",
        "知识库：新增文章",
        "热线演示：新增来电登记 10 条",
        "窗口业务演示：新增",
    ):
        assert any(line.startswith(start) for line in lines), start
    assert any(line.startswith("指标看板：已汇总") for line in lines)
    assert lines[-1].startswith("演示账号（密码均为 Kefu@2026）：admin（系统管理员）")


def test_a_negative_customer_count_is_refused_before_anything_is_made(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--customers 不能为负数"):
        call_command("seed_demo", customers=-1, verbosity=0)
    assert not User.objects.exists()
