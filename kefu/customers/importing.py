"""Bulk import of customer archives from a CSV or Excel file (A1, A2). Layout and rules: docs/IMPORT.md.

How a run goes:

* The file is read in batches (1,000 rows by default). Each row goes through the same field rules as
  the archive form (validation.clean_customer_fields / clean_service_fields), with the service areas
  and policies fetched once per run rather than once per row.
* Uniqueness (客户编号, 证件号码, 户号, 接水点编号, 表号) is checked against the rest of the file in
  memory and against the archive with one query per key per batch.
* A batch with no errors is written in one transaction (bulk.write_customers) together with an
  ImportBatch row; a batch with any error writes nothing and every error in it goes to the report.
  Good batches still commit: a million-row file with three typing mistakes should not wait for them.
* A re-run of the same file (same sha256) skips the lines of the batches already committed, so a run
  that failed or was killed half-way picks up where it stopped. A re-run of a corrected file (a new
  sha256) finds the rows already imported by their 户号, 接水点编号, 表号 and name, and skips them
  as 已导入 instead of reporting them as duplicates. Either way nothing is imported twice.
"""

import csv
import hashlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.core.excel import export_csv_writer
from kefu.customers.bulk import (
    BackgroundWriter,
    NewAccount,
    NewCustomer,
    NewMeter,
    NewServicePoint,
    write_customers,
)
from kefu.customers.models import Account, Customer, ImportBatch, Meter, ServicePoint
from kefu.customers.services import allocate_customer_numbers
from kefu.customers.validation import (
    FIELD_LABELS,
    Errors,
    RuleContext,
    clean_code,
    clean_customer_fields,
    clean_service_fields,
    existing_identities,
    identity_taken_message,
    parse_date_text,
    rows_where_in,
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("客户编号", "number", aliases=("客户号",)),
    Column("客户类型", "kind", aliases=("类型",)),
    Column("客户名称", "name", required=True, aliases=("客户姓名", "姓名", "名称", "户名")),
    Column("证件类型", "id_type"),
    Column("证件号码", "id_number", aliases=("身份证号码", "身份证号", "统一社会信用代码")),
    Column("联系电话", "phone", required=True, aliases=("电话", "手机", "手机号码")),
    Column("地址", "address", required=True, aliases=("客户地址", "住址")),
    Column("服务片区", "service_area", required=True, aliases=("片区",)),
    Column("户数", "household_count"),
    Column("低保户", "low_income"),
    Column("低保证号", "low_income_certificate"),
    Column("低保证有效期至", "low_income_valid_until"),
    Column("户号", "account_number", required=True, aliases=("账户", "账号")),
    Column("欠费金额", "arrears", aliases=("欠费", "欠费金额（元）")),
    Column("接水点编号", "connection_point_no", required=True, aliases=("接水点",)),
    Column("用水性质", "water_use"),
    Column("用水地址", "point_address"),
    Column("表号", "meter_number", required=True, aliases=("水表编号", "水表号")),
    Column("口径DN", "caliber_dn", required=True, aliases=("口径", "水表口径", "DN")),
    Column("安装日期", "install_date", required=True, aliases=("装表日期",)),
    Column("最近读数", "last_reading", aliases=("表底数", "读数")),
    Column("建档日期", "opened_on", aliases=("开户日期",)),
    Column("备注", "note"),
]
HEADERS = [c.header for c in COLUMNS]
LABELS = FIELD_LABELS | {"opened_on": "建档日期", "file": "文件"}
# Labels as people write them in the file (not the translatable choice labels: see WATER_USE_LABELS).
KIND_LABELS = {"个人": "individual", "单位": "unit", "集群": "cluster"}
ID_TYPE_LABELS = {
    "居民身份证": "resident_id",
    "身份证": "resident_id",
    "统一社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "其他证件": "other",
    "其他": "other",
}
REPORT_HEADERS = ["行号", "批次", "字段", "错误说明", "原值"]
UNIQUE_KEYS = ("number", "id_number", "account_number", "connection_point_no", "meter_number")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, not a table, required columns missing)."""


@dataclass
class RowError:
    line: int | str
    batch: int
    field: str
    message: str
    value: str = ""


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    rows_read: int = 0  # data rows read in this run, not counting those done by an earlier run
    imported: int = 0
    already_imported: int = 0  # rows found on file already (a corrected file run again)
    resumed: int = 0  # rows of batches an earlier run of this same file committed
    rejected: int = 0  # rows of batches with an error: nothing of those batches is written
    batches_committed: int = 0
    batches_rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0
    report_path: Path | None = None
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class _Row:
    line: int
    raw: dict[str, str]
    customer: dict[str, Any] | None = None
    service: dict[str, Any] | None = None
    number: str = ""
    opened_on: date | None = None
    skip: bool = False  # on file already


def import_customers(
    path: str | Path,
    *,
    batch_size: int = 1000,
    actor=None,
    report_path: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    check_only: bool = False,
    threaded: bool | None = None,
) -> ImportResult:
    """Import the file; return what happened. Errors in rows go to the result (and the report file)
    rather than raising; a file that cannot be read at all raises ImportFileError.

    `threaded` writes each batch on a second connection while the next one is checked, which keeps
    both the importer and PostgreSQL busy; by default it does so on PostgreSQL outside a transaction."""
    started = time.monotonic()
    path = Path(path)
    sha256 = file_sha256(path)
    result = ImportResult(file_name=path.name[:200], sha256=sha256)
    headers, rows = read_table(path)
    fields, result.ignored_headers = map_headers(headers)
    committed = list(
        ImportBatch.objects.filter(file_sha256=sha256)
        .order_by("first_line")
        .values_list("first_line", "last_line")
    )
    batch_no = (
        ImportBatch.objects.filter(file_sha256=sha256)
        .order_by("-batch_no")
        .values_list("batch_no", flat=True)
        .first()
        or 0
    )
    importer = _Importer(
        result=result, context=RuleContext.load(preload_areas=True), actor=actor, check_only=check_only
    )
    try:
        with BackgroundWriter(enabled=threaded) as writer:
            for batch in _batches(_data_rows(rows, fields), committed, batch_size, result, progress):
                batch_no += 1
                if importer.check(batch_no, batch):
                    writer.submit(
                        importer.write, batch_no, batch, then=partial(importer.written, batch_no, batch)
                    )
                if progress is not None:
                    progress(len(batch))
    finally:  # a run that dies half-way still reports the errors it found
        result.seconds = time.monotonic() - started
        if result.errors or report_path:
            result.report_path = (
                Path(report_path) if report_path else path.with_name(f"{path.stem}.errors.csv")
            )
            write_report(result.report_path, result.errors)
    return result


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def count_data_rows(path: Path) -> int | None:
    """A quick estimate of the number of data rows, for the progress bar."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


# -- Reading -----------------------------------------------------------------------------------------


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(headers, rows) where rows yields (line number, cells as text); the header is line 1."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path)
    raise ImportFileError(f"不支持的文件类型“{path.suffix}”：请使用 CSV（逗号分隔）或 Excel（.xlsx）文件")


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without the BOM Excel writes) or GB18030 (what Chinese Excel saves as CSV)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8") if len(head) < (1 << 20) else _decode_prefix(head)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise ImportFileError(
            "无法识别文件编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
        ) from None


def _decode_prefix(head: bytes) -> str:
    # The first megabyte may end inside a character: decode it incrementally, not as a whole.
    import codecs

    return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)


def _read_csv(path: Path):
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    try:
        first = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise ImportFileError(
            "无法识别文件编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
        ) from None
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    headers = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])

    def rows():
        with handle:
            try:
                yield from enumerate(csv.reader(handle, delimiter=delimiter), start=2)
            except UnicodeDecodeError:
                raise ImportFileError(
                    f"文件中有无法按{encoding}读出的字符：请另存为 UTF-8 CSV 后再导入"
                ) from None
            except csv.Error as error:
                raise ImportFileError(f"CSV 格式错误：{error}") from None

    return headers, rows()


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"无法打开 Excel 文件：{error}") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    headers = [_cell_text(v) for v in next(iterator, ())]

    def rows():
        try:
            for line, values in enumerate(iterator, start=2):
                yield line, [_cell_text(v) for v in values]
        finally:
            workbook.close()

    return headers, rows()


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 13812345678.0 is 13812345678, a date is ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _normal_header(text: str) -> str:
    text = (text or "").strip().lstrip("\ufeff").replace(" ", "").replace("（", "(").replace("）", ")")
    for mark in ("(必填)", "*", "＊"):
        text = text.replace(mark, "")
    return text


def map_headers(headers: list[str]) -> tuple[list[str | None], list[str]]:
    """The field for each column (None for a column we do not know), and the unknown headers."""
    by_name = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            by_name[_normal_header(name)] = column
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    ignored = []
    for header in headers:
        column = by_name.get(_normal_header(header))
        if column is None:
            fields.append(None)
            if header.strip():
                ignored.append(header.strip())
            continue
        if column.field in seen:
            raise ImportFileError(f"表头中“{column.header}”出现了两次（“{seen[column.field]}”和“{header}”）")
        seen[column.field] = header
        fields.append(column.field)
    missing = [c.header for c in COLUMNS if c.required and c.field not in seen]
    if missing:
        raise ImportFileError(
            "缺少必填列：" + "、".join(missing) + "。第一行应为表头，列名见 docs/IMPORT.md 或样例文件"
        )
    return fields, ignored


def _data_rows(rows, fields: list[str | None]) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(fields)
    for line, cells in rows:
        if not any(cells):
            continue  # a blank line
        raw = {}
        for f, value in zip(fields, cells[:width], strict=False):
            if f is not None and value:
                raw[f] = value.strip()
        if raw:
            yield line, raw


def _batches(rows, committed: list[tuple[int, int]], size: int, result: ImportResult, progress):
    batch: list[_Row] = []
    ranges = iter(committed)
    current = next(ranges, None)
    for line, raw in rows:
        while current is not None and line > current[1]:
            current = next(ranges, None)
        if current is not None and current[0] <= line <= current[1]:
            result.resumed += 1
            if progress is not None:
                progress(1)
            continue
        result.rows_read += 1
        batch.append(_Row(line, raw))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- Checking and writing ----------------------------------------------------------------------------


class _Importer:
    def __init__(self, *, result: ImportResult, context: RuleContext, actor, check_only: bool):
        self.result = result
        self.context = context
        self.actor = actor
        self.check_only = check_only
        # Unique keys seen in this run, by field: {key: line}. Batches already written are in the
        # archive too, but kept here so that a repeat is reported with the line it repeats.
        self.seen: dict[str, dict[Any, int]] = {key: {} for key in UNIQUE_KEYS}

    def check(self, batch_no: int, batch: list[_Row]) -> bool:
        """Run every rule on the batch; True if it may be written. Errors go to the result."""
        errors: list[RowError] = []
        for row in batch:
            for field_name, message in self._clean(row):
                label = LABELS.get(field_name, field_name)
                errors.append(RowError(row.line, batch_no, label, message, row.raw.get(field_name, "")))
        errors += self._check_file_duplicates(batch_no, batch)
        errors += self._check_archive(batch_no, batch)
        if errors:
            self._reject(batch_no, batch, errors)
            return False
        return not self.check_only

    def write(self, batch_no: int, batch: list[_Row]) -> int | RowError:
        """Write a checked batch and its ImportBatch row in one transaction; return the rows written.
        The archive was checked a moment ago, so a clash now means someone else wrote the same
        number meanwhile: the batch is then rejected whole like any other, not half-written.
        (May run on the writer thread: it reports back rather than touching the result.)"""
        to_write = [row for row in batch if not row.skip]
        try:
            with transaction.atomic():
                self._write(to_write)
                ImportBatch.objects.create(
                    file_sha256=self.result.sha256,
                    file_name=self.result.file_name,
                    batch_no=batch_no,
                    first_line=batch[0].line,
                    last_line=batch[-1].line,
                    rows=len(to_write),
                    imported_by=self.actor if getattr(self.actor, "pk", None) else None,
                )
        except IntegrityError as error:
            message = f"写入时与档案中刚新增的数据冲突：{str(error).splitlines()[0]}"
            return RowError(f"{batch[0].line}-{batch[-1].line}", batch_no, "（数据库）", message)
        return len(to_write)

    def written(self, batch_no: int, batch: list[_Row], outcome: int | RowError) -> None:
        """Count what `write` did; runs on the calling thread."""
        if isinstance(outcome, RowError):
            self._reject(batch_no, batch, [outcome])
            return
        self.result.imported += outcome
        self.result.already_imported += len(batch) - outcome
        self.result.batches_committed += 1

    def _clean(self, row: _Row) -> list[tuple[str, str]]:
        errors = Errors()
        data: dict[str, Any] = dict(row.raw)
        if "kind" in data:
            data["kind"] = KIND_LABELS.get(data["kind"], data["kind"])
        if "id_type" in data:
            data["id_type"] = ID_TYPE_LABELS.get(data["id_type"], data["id_type"])
        row.customer = clean_customer_fields(data, errors, context=self.context)
        row.service = clean_service_fields(
            data, errors, kind=row.customer["kind"], address=row.customer["address"], today=self.context.today
        )
        row.number = clean_code(data.get("number"), "number", errors, max_length=20, required=False)
        try:
            row.opened_on = parse_date_text(data.get("opened_on")) or None
        except ValueError:
            errors.add("opened_on", "日期格式应为 YYYY-MM-DD，例如 2027-06-30")
        if row.opened_on and row.opened_on > self.context.today:
            errors.add("opened_on", "建档日期不能晚于今天")
        return [(f, m) for f, messages in errors.by_field.items() for m in messages]

    def _keys(self, row: _Row) -> dict[str, Any]:
        customer, service = row.customer, row.service
        return {
            "number": row.number,
            "id_number": (customer["id_type"], customer["id_number"]) if customer["id_number"] else "",
            "account_number": service["account_number"],
            "connection_point_no": service["connection_point_no"],
            "meter_number": service["meter_number"],
        }

    def _check_file_duplicates(self, batch_no: int, batch: list[_Row]) -> list[RowError]:
        errors = []
        for row in batch:
            for key_field, key in self._keys(row).items():
                if not key:
                    continue
                first = self.seen[key_field].setdefault(key, row.line)
                if first != row.line:
                    label = LABELS[key_field]
                    errors.append(
                        RowError(
                            row.line,
                            batch_no,
                            label,
                            f"与第{first}行的{label}重复",
                            row.raw.get(key_field, ""),
                        )
                    )
        return errors

    def _check_archive(self, batch_no: int, batch: list[_Row]) -> list[RowError]:
        """One query per unique key for the whole batch. A row whose 户号, 接水点编号, 表号 and name
        are all on file already was imported before (a corrected file run again): skip, not error."""
        keys = [self._keys(row) for row in batch]

        def wanted(key_field):
            return [k[key_field] for k in keys if k[key_field]]

        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Key probes only. Before the statistics catch up with a growing table PostgreSQL may
                # expect thousands of matches and read the whole table for each query instead.
                cursor.execute("SET LOCAL enable_seqscan = off")
            numbers = dict(
                rows_where_in(Customer.objects.values_list("number", "name"), "number", wanted("number"))
            )
            identities = existing_identities(wanted("id_number"))
            accounts = {
                n: (name, number)
                for n, name, number in rows_where_in(
                    Account.objects.values_list("number", "customer__name", "customer__number"),
                    "number",
                    wanted("account_number"),
                )
            }
            points = dict(
                rows_where_in(
                    ServicePoint.objects.values_list("connection_point_no", "account__number"),
                    "connection_point_no",
                    wanted("connection_point_no"),
                )
            )
            meters = dict(
                rows_where_in(
                    Meter.objects.values_list("number", "service_point__connection_point_no"),
                    "number",
                    wanted("meter_number"),
                )
            )
        errors = []
        for row, key in zip(batch, keys, strict=True):
            account = accounts.get(key["account_number"])
            if (
                account is not None
                and account[0] == row.customer["name"]
                and (not row.number or row.number == account[1])
                and points.get(key["connection_point_no"]) == key["account_number"]
                and meters.get(key["meter_number"]) == key["connection_point_no"]
            ):
                row.skip = True
                continue
            problems = []
            if key["number"] in numbers:
                problems.append(("number", f"客户编号已存在：{numbers[key['number']]}（{key['number']}）"))
            if key["id_number"] in identities:
                problems.append(("id_number", identity_taken_message(*identities[key["id_number"]])))
            if account is not None:
                problems.append(("account_number", f"户号已存在，属于{account[0]}（{account[1]}）"))
            if key["connection_point_no"] in points:
                problems.append(("connection_point_no", "接水点编号已存在"))
            if key["meter_number"] in meters:
                problems.append(("meter_number", f"表号已存在（接水点{meters[key['meter_number']]}）"))
            errors += [RowError(row.line, batch_no, LABELS[f], m, row.raw.get(f, "")) for f, m in problems]
        return errors

    def _reject(self, batch_no: int, batch: list[_Row], errors: list[RowError]) -> None:
        bad_lines = {e.line for e in errors if isinstance(e.line, int)}
        why = f"本批{len(bad_lines)}行有错误" if bad_lines else "本批写入时出错"
        self.result.errors += errors
        self.result.errors.append(
            RowError(
                f"{batch[0].line}-{batch[-1].line}",
                batch_no,
                "（整批）",
                f"{why}，整批{len(batch)}行均未导入；改正后重新运行同一命令即可续导，已导入的批次不会重复导入",
            )
        )
        self.result.rejected += len(batch)
        self.result.batches_rejected += 1

    def _write(self, rows: list[_Row]) -> None:
        if not rows:
            return
        numbers = allocate_customer_numbers(sum(1 for r in rows if not r.number))
        today = timezone.localdate()
        file_name = self.result.file_name
        customers = []
        for row in rows:
            c, s = row.customer, row.service
            number = row.number or next(numbers)
            opened = row.opened_on or today
            area_id = c["service_area"].pk
            customers.append(
                NewCustomer(
                    number=number,
                    kind=c["kind"],
                    name=c["name"],
                    id_type=c["id_type"],
                    id_number=c["id_number"],
                    phone=c["phone"],
                    address=c["address"],
                    service_area_id=area_id,
                    household_count=c["household_count"],
                    low_income=c["low_income"],
                    low_income_certificate=c["low_income_certificate"],
                    low_income_valid_until=c["low_income_valid_until"],
                    note=c["note"],
                    opened_on=opened,
                    accounts=[
                        NewAccount(
                            number=s["account_number"],
                            opened_on=opened,
                            arrears=s["arrears"],
                            arrears_since=today if s["arrears"] else None,
                        )
                    ],
                    points=[
                        NewServicePoint(
                            connection_point_no=s["connection_point_no"],
                            address=s["point_address"],
                            service_area_id=area_id,
                            water_use=s["water_use"],
                            account=0,
                            meters=[
                                NewMeter(
                                    number=s["meter_number"],
                                    caliber_dn=s["caliber_dn"],
                                    install_date=s["install_date"],
                                    last_reading=s["last_reading"],
                                    last_read_on=today if s["last_reading"] is not None else None,
                                )
                            ],
                        )
                    ],
                    event_changes={"source": "import", "file": file_name, "line": row.line},
                    event_note=f"批量导入：{file_name} 第{row.line}行",
                )
            )
        write_customers(customers, actor=self.actor)


def write_report(path: Path, errors: list[RowError]) -> None:
    """CSV in UTF-8 with a BOM, which Excel needs to show Chinese correctly. It repeats the imported
    values, which anyone may have typed: written so that a spreadsheet never runs one as a formula."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = export_csv_writer(handle)
        writer.writerow(REPORT_HEADERS)
        for e in errors:
            writer.writerow([e.line, e.batch, e.field, e.message, e.value])
