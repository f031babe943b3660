"""Bulk import of customer archives (A1, A2): python manage.py import_customers FILE."""

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.models import Event
from kefu.core.pinyin import name_pinyin
from kefu.core.validators import resident_id_check_digit, uscc_check_char
from kefu.customers import importing
from kefu.customers.importing import HEADERS, ImportFileError, import_customers
from kefu.customers.models import Account, Customer, ImportBatch, Meter, ServicePoint
from kefu.customers.tests.factories import CustomerFactory
from kefu.customers.validation import clean_customer

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def resident_id(n: int) -> str:
    first17 = f"33010619800101{n:03d}"
    return first17 + resident_id_check_digit(first17)


def credit_code(n: int) -> str:
    first17 = f"91330106MA2H{n:04d}X"
    return first17 + uscc_check_char(first17)


def row(n: int, **changes) -> dict[str, str]:
    """A valid row of the import file for customer n."""
    values = {
        "客户编号": f"KH{n:08d}",
        "客户类型": "个人",
        "客户名称": "王建国",
        "证件号码": resident_id(n),
        "联系电话": f"138{n:08d}",
        "地址": f"西湖区文三路{n}号1幢1单元101室",
        "服务片区": "CX",
        "户数": "1",
        "户号": f"20{n:08d}",
        "欠费金额": "",
        "接水点编号": f"JSCX{n:08d}",
        "用水性质": "居民生活用水",
        "表号": f"SB{n:09d}",
        "口径DN": "20",
        "安装日期": "2020-05-01",
        "最近读数": "123.4",
    }
    values.update(changes)
    return values


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for values in rows:
            writer.writerow([values.get(h, "") for h in HEADERS])
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def areas(db):
    return {
        "CX": ServiceAreaFactory(code="CX", name="城西片区"),
        "CD": ServiceAreaFactory(code="CD", name="城东片区"),
    }


def test_a_good_file_imports_each_customer_with_account_connection_point_and_meter(tmp_path, areas):
    # given
    path = write_csv(
        tmp_path / "customers.csv",
        [
            row(1, 客户名称="曾国藩"),
            row(2, 客户名称="欧阳秀英", 联系电话="0571-86123456", 服务片区="城东片区", 欠费金额="56.80"),
            row(
                3,
                客户类型="单位",
                客户名称="单县食品有限公司",
                证件号码=credit_code(3),
                用水性质="",
                口径DN="DN50",
            ),
        ],
    )

    # when
    result = import_customers(path, batch_size=10)

    # then
    assert (result.imported, result.errors, result.batches_committed) == (3, [], 1)
    zeng = Customer.objects.get(number="KH00000001")
    assert (zeng.name_pinyin, zeng.name_initials) == ("zengguofan", "zgf")
    assert (zeng.id_type, zeng.service_area, zeng.opened_on) == ("resident_id", areas["CX"], date.today())
    ouyang = Customer.objects.get(number="KH00000002")
    assert (ouyang.phone, ouyang.service_area, ouyang.name_initials) == ("057186123456", areas["CD"], "oyxy")
    assert Account.objects.get(customer=ouyang).arrears == Decimal("56.80")
    unit = Customer.objects.get(number="KH00000003")
    assert unit.id_type == "credit_code"
    assert unit.name_pinyin == name_pinyin("单县食品有限公司", personal=False)[0]  # no surname reading
    point = ServicePoint.objects.get(customer=unit)
    assert (point.connection_point_no, point.water_use, point.account.number) == (
        "JSCX00000003",
        "non_residential",
        "2000000003",
    )
    meter = Meter.objects.get(service_point=point)
    assert (meter.number, meter.caliber_dn, meter.install_date) == ("SB000000003", 50, date(2020, 5, 1))


def test_each_imported_customer_has_an_opened_event_naming_the_file_and_line(tmp_path, areas, make_user):
    # given
    archivist = make_user(Role.ARCHIVIST, username="archivist")
    path = write_csv(tmp_path / "customers.csv", [row(1), row(2)])

    # when
    call_command("import_customers", str(path), "--user", "archivist", stdout=open("/dev/null", "w"))

    # then
    customer = Customer.objects.get(number="KH00000002")
    event = Event.objects.get(target_id=customer.pk, verb="customer.opened")
    assert event.actor == archivist
    assert event.note == "批量导入：customers.csv 第3行"
    assert event.changes == {"source": "import", "file": "customers.csv", "line": 3}
    assert event.target_repr == "王建国（KH00000002）"
    assert ImportBatch.objects.get().imported_by == archivist


def test_bad_rows_are_reported_by_line_field_and_chinese_rule_and_their_batch_writes_nothing(tmp_path, areas):
    # given: batch 1 (lines 2-4) has two bad rows, batch 2 (lines 5-6) is good
    bad_id = resident_id(2)[:-1] + ("0" if resident_id(2)[-1] != "0" else "1")
    path = write_csv(
        tmp_path / "customers.csv",
        [
            row(1),
            row(2, 证件号码=bad_id),
            row(3, 口径DN="DN18", 服务片区="XX"),
            row(4),
            row(5),
        ],
    )

    # when
    result = import_customers(path, batch_size=3)

    # then
    assert not Customer.objects.filter(number__in=["KH00000001", "KH00000002", "KH00000003"]).exists()
    assert set(Customer.objects.values_list("number", flat=True)) == {"KH00000004", "KH00000005"}
    assert not Account.objects.filter(number="2000000001").exists()  # the good row of the bad batch too
    assert (result.imported, result.rejected, result.batches_rejected) == (2, 3, 1)
    assert result.report_path == tmp_path / "customers.errors.csv"
    assert result.report_path.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    report = [(r["行号"], r["字段"], r["错误说明"]) for r in read_report(result.report_path)]
    assert ("3", "证件号码", "身份证号码校验位错误（GB 11643），请核对号码") in report
    assert ("4", "服务片区", "服务片区“XX”不存在") in report
    assert any(
        line == "4" and field == "口径DN" and message.startswith("口径应为标准公称直径")
        for line, field, message in report
    )
    assert (
        "2-4",
        "（整批）",
        "本批2行有错误，整批3行均未导入；改正后重新运行同一命令即可续导，已导入的批次不会重复导入",
    ) in report


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("联系电话", "12345", "phone"),
        ("证件号码", "330106198001011234", "id_number"),
        ("客户名称", "", "name"),
        ("户数", "0", "household_count"),
    ],
)
def test_the_importer_says_what_the_archive_form_says(tmp_path, areas, column, value, field):
    # given
    data = {
        "kind": "individual",
        "name": "王建国",
        "id_number": resident_id(7),
        "phone": "13800000007",
        "address": "西湖区文三路7号",
        "service_area": "CX",
        "household_count": "1",
    }
    form_field = {
        "联系电话": "phone",
        "证件号码": "id_number",
        "客户名称": "name",
        "户数": "household_count",
    }[column]
    with pytest.raises(ValidationError) as form_error:
        clean_customer({**data, form_field: value})

    # when
    result = import_customers(write_csv(tmp_path / "c.csv", [row(7, **{column: value})]))

    # then
    messages = [e.message for e in result.errors if e.field == column]
    assert messages == form_error.value.message_dict[field]


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://evil.example/","点我")', "-1+2", "+86 1", "@SUM(A1)", "\t=1"]
)
def test_the_error_report_writes_an_imported_value_a_spreadsheet_would_run_as_text(tmp_path, areas, typed):
    # given a file whose service area is a text a spreadsheet would run as a formula
    path = write_csv(tmp_path / "customers.csv", [row(1, 服务片区=typed)])

    # when the import reports the row
    result = import_customers(path)

    # then the report's copy of the value starts with the ' that keeps it text, like the Excel exports
    values = [r["原值"] for r in read_report(result.report_path) if r["字段"] == "服务片区"]
    assert values == ["'" + typed.strip()]  # the importer strips the cell, as it does for every field


def test_a_repeat_within_the_file_is_reported_with_the_line_it_repeats(tmp_path, areas):
    # given
    path = write_csv(tmp_path / "c.csv", [row(1), row(2, 表号="SB000000001", 户号="2000000001")])

    # when
    result = import_customers(path)

    # then
    report = {(e.line, e.field, e.message) for e in result.errors}
    assert (3, "表号", "与第2行的表号重复") in report
    assert (3, "户号", "与第2行的户号重复") in report
    assert not Customer.objects.exists()


def test_a_number_already_in_the_archive_is_reported_as_the_form_reports_it(tmp_path, areas):
    # given
    CustomerFactory(number="KH00000099", name="李秀英", id_number=resident_id(1), service_area=areas["CX"])

    # when
    result = import_customers(write_csv(tmp_path / "c.csv", [row(1)]))

    # then
    assert [(e.field, e.message) for e in result.errors[:1]] == [
        ("证件号码", "该证件号码已建档：李秀英（KH00000099）")
    ]
    assert Customer.objects.count() == 1


def test_running_the_same_file_again_imports_nothing_twice(tmp_path, areas):
    # given
    path = write_csv(tmp_path / "c.csv", [row(n) for n in range(1, 8)])
    import_customers(path, batch_size=3)

    # when
    again = import_customers(path, batch_size=3)

    # then
    assert (again.resumed, again.rows_read, again.imported) == (7, 0, 0)
    assert Customer.objects.count() == 7
    assert Event.objects.filter(verb="customer.opened").count() == 7


def test_an_interrupted_import_resumes_where_it_stopped_without_duplicates(tmp_path, areas, monkeypatch):
    # given: the run dies while writing the second batch
    path = write_csv(tmp_path / "c.csv", [row(n) for n in range(1, 11)])
    real_write = importing.write_customers
    calls = []

    def dying_write(customers, **kwargs):
        calls.append(len(customers))
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real_write(customers, **kwargs)

    monkeypatch.setattr(importing, "write_customers", dying_write)
    with pytest.raises(RuntimeError):
        import_customers(path, batch_size=4)
    assert Customer.objects.count() == 4  # batch 1 only: batch 2 rolled back whole

    # when
    monkeypatch.setattr(importing, "write_customers", real_write)
    resumed = import_customers(path, batch_size=4)

    # then
    assert (resumed.resumed, resumed.imported) == (4, 6)
    assert sorted(Customer.objects.values_list("number", flat=True)) == [f"KH{n:08d}" for n in range(1, 11)]
    assert Meter.objects.count() == ServicePoint.objects.count() == Account.objects.count() == 10
    assert Event.objects.filter(verb="customer.opened").count() == 10
    assert sorted(ImportBatch.objects.values_list("first_line", "last_line")) == [(2, 5), (6, 9), (10, 11)]


def test_a_resumed_import_with_another_batch_size_still_skips_the_lines_done(tmp_path, areas):
    # given: an earlier run of this file committed lines 2-4 as its batch 1
    path = write_csv(tmp_path / "c.csv", [row(n) for n in range(1, 11)])
    ImportBatch.objects.create(
        file_sha256=importing.file_sha256(path),
        file_name="c.csv",
        batch_no=1,
        first_line=2,
        last_line=4,
        rows=3,
    )

    # when
    result = import_customers(path, batch_size=5)

    # then: lines 2-4 are taken as done; the rest go in as batches 2 and 3
    assert (result.resumed, result.imported) == (3, 7)
    assert list(ImportBatch.objects.values_list("batch_no", "first_line", "last_line")) == [
        (1, 2, 4),
        (2, 5, 9),
        (3, 10, 11),
    ]


def test_a_corrected_file_imports_the_rejected_batch_and_skips_the_rows_already_in(tmp_path, areas):
    # given: the first run rejects batch 2 because of one bad phone number
    rows = [row(n) for n in range(1, 7)]
    rows[4] = row(5, 联系电话="1380000")
    first = import_customers(write_csv(tmp_path / "c.csv", rows), batch_size=3)
    assert (first.imported, first.rejected) == (3, 3)

    # when: the same file with the phone corrected (so a new sha256) is run again
    rows[4] = row(5)
    second = import_customers(write_csv(tmp_path / "c.csv", rows), batch_size=3)

    # then
    assert (second.already_imported, second.imported, second.errors) == (3, 3, [])
    assert Customer.objects.count() == 6
    assert Event.objects.filter(verb="customer.opened").count() == 6


def test_an_excel_file_imports_like_a_csv(tmp_path, areas):
    # given: numbers and dates as Excel stores them
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in (1, 2):
        values = row(
            n,
            联系电话=13800000000 + n,
            户数=1,
            口径DN=25,
            最近读数=99.5,
            安装日期=datetime(2019, 3, 8),
            户号=2000000000 + n,
        )
        sheet.append([values.get(h) for h in HEADERS])
    sheet.append([])
    workbook.save(tmp_path / "customers.xlsx")

    # when
    result = import_customers(tmp_path / "customers.xlsx")

    # then
    assert (result.imported, result.errors) == (2, [])
    meter = Meter.objects.get(number="SB000000002")
    assert (meter.caliber_dn, meter.install_date, float(meter.last_reading)) == (25, date(2019, 3, 8), 99.5)
    assert Customer.objects.get(number="KH00000001").phone == "13800000001"
    assert Account.objects.filter(number="2000000002").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_in_utf8_with_or_without_bom_or_in_gb18030_imports(tmp_path, areas, encoding):
    # given
    path = write_csv(
        tmp_path / "c.csv", [row(1, 客户名称="單田芳", 地址="西湖区文三路1号")], encoding=encoding
    )

    # when
    result = import_customers(path)

    # then
    assert result.errors == []
    assert Customer.objects.get().name == "單田芳"


def test_dates_as_chinese_excel_writes_them_are_understood(tmp_path, areas):
    # when
    result = import_customers(
        write_csv(tmp_path / "c.csv", [row(1, 安装日期="2019/3/8"), row(2, 安装日期="2019年3月9日")])
    )

    # then
    assert result.errors == []
    assert sorted(Meter.objects.values_list("install_date", flat=True)) == [
        date(2019, 3, 8),
        date(2019, 3, 9),
    ]


def test_a_file_without_the_required_columns_is_refused_whole(tmp_path, areas):
    # given
    path = tmp_path / "c.csv"
    path.write_text("客户名称,电话\n王建国,13812345678\n", encoding="utf-8")

    # when / then
    with pytest.raises(
        ImportFileError, match="缺少必填列：地址、服务片区、户号、接水点编号、表号、口径DN、安装日期"
    ):
        import_customers(path)
    assert not Customer.objects.exists()


def test_customers_without_a_number_are_numbered_after_the_highest(tmp_path, areas):
    # given
    CustomerFactory(number="KH00000041", id_number=resident_id(41), service_area=areas["CX"])

    # when
    import_customers(write_csv(tmp_path / "c.csv", [row(1, 客户编号=""), row(2, 客户编号="")]))

    # then
    assert set(Customer.objects.values_list("number", flat=True)) == {
        "KH00000041",
        "KH00000042",
        "KH00000043",
    }


def test_check_only_reports_and_writes_nothing(tmp_path, areas):
    # when
    result = import_customers(
        write_csv(tmp_path / "c.csv", [row(1), row(2, 安装日期="2099-01-01")]), check_only=True
    )

    # then
    assert [(e.line, e.message) for e in result.errors][:1] == [(3, "安装日期不能晚于今天")]
    assert not Customer.objects.exists()
    assert not ImportBatch.objects.exists()


def test_the_command_prints_the_speed_and_fails_when_a_batch_was_not_imported(tmp_path, areas, capsys):
    # given
    good = write_csv(tmp_path / "good.csv", [row(1)])
    bad = write_csv(tmp_path / "bad.csv", [row(2, 地址="")])

    # when
    call_command("import_customers", str(good))
    with pytest.raises(CommandError, match="1 批（1 行）因有错误未导入"):
        call_command("import_customers", str(bad), "--report", str(tmp_path / "report.csv"))

    # then
    out = capsys.readouterr().out
    assert "导入 1 行" in out and "行/秒" in out
    assert f"错误报告：{tmp_path / 'report.csv'}" in out
    assert read_report(tmp_path / "report.csv")[0]["错误说明"] == "地址不能为空"


def test_the_command_refuses_a_user_without_the_import_permission(tmp_path, areas, make_user):
    # given
    make_user(Role.AGENT, username="agent7")

    # when / then
    with pytest.raises(CommandError, match="没有“批量导入客户档案”的权限"):
        call_command("import_customers", str(write_csv(tmp_path / "c.csv", [row(1)])), "--user", "agent7")
    assert not Customer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_are_written_alongside_the_checking(tmp_path):
    # given: on PostgreSQL this takes the threaded path (a second connection writes)
    ServiceAreaFactory(code="CX", name="城西片区")
    path = write_csv(tmp_path / "c.csv", [row(n) for n in range(1, 26)] + [row(26, 联系电话="")])

    # when
    result = import_customers(path, batch_size=5)

    # then
    assert (result.imported, result.batches_committed, result.batches_rejected) == (25, 5, 1)
    assert Customer.objects.count() == Meter.objects.count() == 25


@pytest.mark.parametrize("name", ["customers_sample.csv", "customers_sample.xlsx"])
def test_the_sample_files_import_cleanly(db, name):
    # given: the demo utility's six areas
    for code, area_name in [
        ("CD", "城东片区"),
        ("CX", "城西片区"),
        ("CN", "城南片区"),
        ("CB", "城北片区"),
        ("GX", "高新片区"),
        ("LJ", "临江片区"),
    ]:
        ServiceAreaFactory(code=code, name=area_name)

    # when
    result = import_customers(SAMPLES / name)

    # then
    assert result.errors == []
    assert result.imported == Customer.objects.count() >= 30


def test_bulk_written_rows_read_back_as_the_orm_writes_them(areas):
    # given
    from django.utils import timezone

    from kefu.customers.bulk import (
        NewAccount,
        NewContact,
        NewContract,
        NewCustomer,
        NewMeter,
        NewServicePoint,
        write_customers,
    )
    from kefu.customers.models import ContactPerson, Contract

    customer = NewCustomer(
        number="KH00000077",
        name="欧阳修",
        address="西湖区文三路1号",
        service_area_id=areas["CX"].pk,
        phone="13800000077",
        opened_on=date(2020, 1, 2),
        id_type="resident_id",
        id_number=resident_id(77),
        accounts=[
            NewAccount(
                number="2000000077",
                opened_on=date(2020, 1, 2),
                arrears=Decimal("12.30"),
                arrears_since=date(2024, 5, 1),
            )
        ],
        points=[
            NewServicePoint(
                connection_point_no="JSCX00000077",
                address="西湖区文三路1号",
                service_area_id=areas["CX"].pk,
                meters=[
                    NewMeter(
                        number="SB077",
                        caliber_dn=15,
                        install_date=date(2019, 1, 1),
                        last_reading=Decimal("12.5"),
                    )
                ],
            )
        ],
        contacts=[NewContact(name="欧阳询", phone="13900000077", relation="子女")],
        contracts=[NewContract(number="GYS77", signed_on=date(2020, 1, 2))],
        event_changes={"source": "demo", "说明": "演示"},
        event_note="演示数据",
    )

    # when
    [pk] = write_customers([customer])

    # then
    saved = Customer.objects.get(pk=pk)
    assert (saved.name_pinyin, saved.name_initials, saved.status) == ("ouyangxiu", "oyx", "active")
    assert abs((timezone.now() - saved.created_at).total_seconds()) < 60
    account = Account.objects.get(customer=saved)
    assert (account.arrears, account.arrears_since) == (Decimal("12.30"), date(2024, 5, 1))
    point = ServicePoint.objects.get(customer=saved)
    assert point.account == account
    assert Meter.objects.get(service_point=point).last_reading == Decimal("12.5")
    assert ContactPerson.objects.get(customer=saved).relation == "子女"
    assert Contract.objects.get(customer=saved).number == "GYS77"
    event = Event.objects.get(target_id=pk, verb="customer.opened")
    assert (event.changes, event.note, event.actor) == ({"source": "demo", "说明": "演示"}, "演示数据", None)
    assert Customer.objects.filter(created_at__date=timezone.localdate()).filter(pk=pk).exists()


def test_a_clash_at_write_time_rejects_that_batch_whole_and_the_import_goes_on(tmp_path, areas, monkeypatch):
    # given: someone else takes a number between the check and the write of batch 1
    from django.db import IntegrityError

    real_write = importing.write_customers
    calls = []

    def racing_write(customers, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError(
                'duplicate key value violates unique constraint "customers_account_number_key"'
            )
        return real_write(customers, **kwargs)

    monkeypatch.setattr(importing, "write_customers", racing_write)

    # when
    result = import_customers(write_csv(tmp_path / "c.csv", [row(n) for n in range(1, 5)]), batch_size=2)

    # then
    assert (result.imported, result.rejected, result.batches_rejected) == (2, 2, 1)
    assert set(Customer.objects.values_list("number", flat=True)) == {"KH00000003", "KH00000004"}
    assert [(e.line, e.field) for e in result.errors] == [("2-3", "（数据库）"), ("2-3", "（整批）")]
    assert result.errors[1].message.startswith("本批写入时出错，整批2行均未导入")
