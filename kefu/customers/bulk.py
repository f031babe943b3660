"""Writing many new customers at once: the importer and the demo data use it.

One call writes a batch of customers with their accounts, connection points, meters, contact persons
and contracts, and one `customer.opened` event per customer, all in one transaction: the batch lands
whole or not at all. The records must already be valid (the importer runs the shared rules first;
the demo generator makes valid data by construction); the database constraints still guard them.

The rows are built once, as tuples in column order, with ids decided beforehand so that accounts,
connection points and meters can name their parents without a round trip per row. On PostgreSQL the
ids come from the tables' own sequences (one query per table) and the rows go in by binary COPY;
on SQLite (development and tests) the ids follow the highest in use, which is safe because Django
opens SQLite transactions with BEGIN IMMEDIATE here (settings: one writer at a time), and the rows
go in by executemany. Either way a batch costs a handful of statements however many rows it has.
"""

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.db.models import Model
from django.utils import timezone

from kefu.core.models import Event
from kefu.core.pinyin import name_pinyin
from kefu.customers.events import CustomerEvents
from kefu.customers.models import Account, ContactPerson, Contract, Customer, Meter, ServicePoint


@dataclass(slots=True)
class NewMeter:
    number: str
    caliber_dn: int
    install_date: date
    last_reading: Decimal | None = None
    last_read_on: date | None = None


@dataclass(slots=True)
class NewAccount:
    number: str
    opened_on: date
    arrears: Decimal = Decimal("0")
    arrears_since: date | None = None


@dataclass(slots=True)
class NewServicePoint:
    connection_point_no: str
    address: str
    service_area_id: int
    water_use: str = ServicePoint.WaterUse.RESIDENTIAL
    account: int | None = 0  # index into the customer's accounts, or None
    meters: list[NewMeter] = field(default_factory=list)


@dataclass(slots=True)
class NewContact:
    name: str
    phone: str
    relation: str = ""
    is_primary: bool = False


@dataclass(slots=True)
class NewContract:
    number: str
    signed_on: date
    valid_until: date | None = None
    kind: str = "供用水合同"


@dataclass(slots=True)
class NewCustomer:
    number: str
    name: str
    address: str
    service_area_id: int
    phone: str
    opened_on: date
    kind: str = Customer.Kind.INDIVIDUAL
    id_type: str = ""
    id_number: str = ""
    household_count: int = 1
    low_income: bool = False
    low_income_certificate: str = ""
    low_income_valid_until: date | None = None
    note: str = ""
    accounts: list[NewAccount] = field(default_factory=list)
    points: list[NewServicePoint] = field(default_factory=list)
    contacts: list[NewContact] = field(default_factory=list)
    contracts: list[NewContract] = field(default_factory=list)
    # What the archive's history says about where the customer came from.
    event_changes: dict[str, Any] = field(default_factory=dict)
    event_note: str = ""
    # When the archive was opened, if not now: the demo's customers were opened years ago, and their
    # customer.opened event says so (the 360 timeline would otherwise put 建档 above every call).
    event_at: datetime | None = None


CUSTOMER_COLUMNS = (
    "id", "created_at", "updated_at", "number", "kind", "name", "name_pinyin", "name_initials", "id_type",
    "id_number", "phone", "address", "service_area_id", "household_count", "low_income",
    "low_income_certificate", "low_income_valid_until", "status", "opened_on", "note",
)  # fmt: skip
ACCOUNT_COLUMNS = (
    "id", "created_at", "updated_at", "customer_id", "number", "opened_on", "arrears", "arrears_since",
    "status",
)  # fmt: skip
POINT_COLUMNS = (
    "id", "created_at", "updated_at", "customer_id", "account_id", "connection_point_no", "address",
    "service_area_id", "water_use", "status",
)  # fmt: skip
METER_COLUMNS = (
    "created_at", "updated_at", "service_point_id", "number", "caliber_dn", "install_date", "seal_state",
    "last_reading", "last_read_on", "status", "service_area_id",
)  # fmt: skip
CONTACT_COLUMNS = (
    "created_at", "updated_at", "customer_id", "name", "relation", "phone", "id_number", "is_primary",
)  # fmt: skip
CONTRACT_COLUMNS = (
    "created_at", "updated_at", "customer_id", "number", "kind", "signed_on", "valid_until", "status",
)  # fmt: skip
EVENT_COLUMNS = (
    "occurred_at", "actor_id", "verb", "target_type_id", "target_id", "target_repr", "changes", "note",
)  # fmt: skip


@transaction.atomic
def write_customers(customers: Sequence[NewCustomer], *, actor=None) -> list[int]:
    """Insert the customers and everything hanging off them; return the new customers' ids in order."""
    if not customers:
        return []
    if connection.vendor == "postgresql":
        inserter: _Inserter = _CopyInserter()
    elif connection.vendor == "sqlite":
        inserter = _SqliteInserter()
    else:
        raise NotImplementedError(f"bulk writes support PostgreSQL and SQLite, not {connection.vendor}")
    try:
        with connection.wrap_database_errors:
            return _write(customers, inserter, timezone.now(), getattr(actor, "pk", actor))
    finally:
        inserter.cursor.close()


def _write(customers: Sequence[NewCustomer], inserter: "_Inserter", now: datetime, actor_id) -> list[int]:
    customer_ids = inserter.reserve_ids(Customer, len(customers))
    pairs = list(zip(customer_ids, customers, strict=True))
    accounts = [(cid, a) for cid, c in pairs for a in c.accounts]
    account_ids = inserter.reserve_ids(Account, len(accounts))
    points = [(cid, p) for cid, c in pairs for p in c.points]
    point_ids = inserter.reserve_ids(ServicePoint, len(points))

    customer_rows = []
    for cid, c in pairs:
        pinyin, initials = name_pinyin(c.name, personal=c.kind == Customer.Kind.INDIVIDUAL)
        customer_rows.append((
            cid, now, now, c.number, c.kind, c.name, pinyin, initials, c.id_type, c.id_number, c.phone,
            c.address, c.service_area_id, c.household_count, c.low_income, c.low_income_certificate,
            c.low_income_valid_until, Customer.Status.ACTIVE, c.opened_on, c.note,
        ))  # fmt: skip
    inserter.insert(Customer, CUSTOMER_COLUMNS, customer_rows)

    accounts_of: dict[int, list[int]] = {}
    account_rows = []
    for aid, (cid, a) in zip(account_ids, accounts, strict=True):
        accounts_of.setdefault(cid, []).append(aid)
        account_rows.append(
            (aid, now, now, cid, a.number, a.opened_on, a.arrears, a.arrears_since, Account.Status.ACTIVE)
        )
    inserter.insert(Account, ACCOUNT_COLUMNS, account_rows)

    inserter.insert(ServicePoint, POINT_COLUMNS, [
        (pid, now, now, cid, None if p.account is None else accounts_of[cid][p.account],
         p.connection_point_no, p.address, p.service_area_id, p.water_use, ServicePoint.Status.ACTIVE)
        for pid, (cid, p) in zip(point_ids, points, strict=True)
    ])  # fmt: skip
    inserter.insert(Meter, METER_COLUMNS, [
        (now, now, pid, m.number, m.caliber_dn, m.install_date, Meter.SealState.INTACT, m.last_reading,
         m.last_read_on, Meter.Status.IN_USE, p.service_area_id)
        for pid, (_cid, p) in zip(point_ids, points, strict=True) for m in p.meters
    ])  # fmt: skip
    inserter.insert(ContactPerson, CONTACT_COLUMNS, [
        (now, now, cid, person.name, person.relation, person.phone, "", person.is_primary)
        for cid, c in pairs for person in c.contacts
    ])  # fmt: skip
    inserter.insert(Contract, CONTRACT_COLUMNS, [
        (now, now, cid, k.number, k.kind, k.signed_on, k.valid_until, Contract.Status.ACTIVE)
        for cid, c in pairs for k in c.contracts
    ])  # fmt: skip
    # The customer.opened event, as services.open_customer writes it for one customer.
    content_type = ContentType.objects.get_for_model(Customer).pk
    inserter.insert(Event, EVENT_COLUMNS, [
        (c.event_at or now, actor_id, CustomerEvents.OPENED.value, content_type, cid,
         f"{c.name}（{c.number}）"[:200],
         c.event_changes, c.event_note)
        for cid, c in pairs
    ])  # fmt: skip
    return customer_ids


ARCHIVE_TABLES = [Customer, Account, ServicePoint, Meter, ContactPerson, Contract, Event]


def refresh_statistics() -> None:
    """ANALYZE the archive's tables after a large load. Until autovacuum gets round to it the planner
    believes the tables are as small as before, and may choose plans made for a few rows."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in ARCHIVE_TABLES:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


class BackgroundWriter:
    """Runs write jobs one after another on a thread of their own, and so on a database connection
    of their own, while the caller prepares the next batch: PostgreSQL works on one core while
    Python checks or generates rows on the other. At most one job waits, so an error surfaces (in
    the caller, from `submit` or on leaving the block) within two batches.

    Used on PostgreSQL outside a transaction only (enabled=None). Inside one (a test, a caller's
    atomic block) a second connection would not see the caller's uncommitted rows: jobs then run
    in line, with the same results."""

    def __init__(self, *, enabled: bool | None = None):
        if enabled is None:
            enabled = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-writer") if enabled else None
        self.pending: tuple[Future, Callable | None] | None = None

    def submit(self, job: Callable, *args, then: Callable | None = None) -> None:
        """Run job(*args); later, on this thread, then(result)."""
        if self.pool is None:
            result = job(*args)
            if then is not None:
                then(result)
            return
        self._collect()
        self.pending = (self.pool.submit(job, *args), then)

    def _collect(self) -> None:
        if self.pending is not None:
            future, then = self.pending
            self.pending = None
            result = future.result()  # raises what the job raised
            if then is not None:
                then(result)

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is None:
            return
        try:
            if exc_info[0] is None:
                self._collect()
            elif self.pending is not None:
                self.pending[0].exception()  # let the job finish (its transaction ends) before leaving
        finally:
            self.pool.submit(connections.close_all).result()
            self.pool.shutdown()


# -- Inserting ---------------------------------------------------------------------------------------


class _Inserter:
    cursor: Any

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        raise NotImplementedError

    def insert(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
        raise NotImplementedError


_SEQUENCES: dict[str, str] = {}
_COLUMN_TYPES: dict[str, dict[str, int]] = {}


class _CopyInserter(_Inserter):
    def __init__(self):
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        """`count` fresh ids from the table's identity sequence, ascending, in one round trip. Other
        sessions may draw from the same sequence meanwhile: unique, not always contiguous."""
        if count == 0:
            return []
        table = model._meta.db_table
        if table not in _SEQUENCES:
            self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            _SEQUENCES[table] = self.cursor.fetchone()[0]
        self.cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1", (_SEQUENCES[table], count)
        )
        return [row[0] for row in self.cursor.fetchall()]

    def insert(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
        """COPY in binary: psycopg packs a row in C, ten times faster than as text, and the server
        need not parse text back. Binary wants each value's exact type, read from the catalogue."""
        if not rows:
            return
        table = model._meta.db_table
        if table not in _COLUMN_TYPES:
            self.cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                "AND NOT attisdropped",
                (table,),
            )
            _COLUMN_TYPES[table] = dict(self.cursor.fetchall())
        column_list = ", ".join(f'"{c}"' for c in columns)
        with self.cursor.copy(f'COPY "{table}" ({column_list}) FROM STDIN (FORMAT BINARY)') as copy:
            copy.set_types([_COLUMN_TYPES[table][c] for c in columns])
            for row in rows:
                copy.write_row(row)


class _SqliteInserter(_Inserter):
    def __init__(self):
        self.cursor = connection.cursor()
        self.instants: dict[datetime, str] = {}  # a batch has one `now`: adapt it once

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        table = model._meta.db_table
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        highest = self.cursor.fetchone()[0]
        self.cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", (table,))
        row = self.cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1  # AUTOINCREMENT never reuses an id
        return list(range(first, first + count))

    def insert(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        column_list = ", ".join(f'"{c}"' for c in columns)
        placeholders = ", ".join(["%s"] * len(columns))
        self.cursor.executemany(
            f'INSERT INTO "{table}" ({column_list}) VALUES ({placeholders})',
            [tuple(self.value(v) for v in row) for row in rows],
        )

    def value(self, value):
        """As Django's SQLite backend stores it: datetimes as naive UTC text, dates ISO, JSON text."""
        if value is None or isinstance(value, str | int):
            return value
        if isinstance(value, datetime):
            if value not in self.instants:
                self.instants[value] = connection.ops.adapt_datetimefield_value(value)
            return self.instants[value]
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value
