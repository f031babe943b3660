"""The old-meter API (M7): returns (list, detail, record one meter, release, label data), the store's
tasks from counter business and the 赔表 cases (list, settle). Same services, visibility
(permissions.visible / fetch) and Chinese refusals as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.core.permissions import require
from kefu.core.schemas import Day, ObjectId, PageNumber, Schema
from kefu.customers.models import Meter
from kefu.meters import selectors_returns as selectors
from kefu.meters.labels import label_for
from kefu.meters.models import CompensationCase, MeterWork, OldMeterReturn, Replacement
from kefu.meters.permissions import fetch, visible
from kefu.meters.services import returns as services

router = Router(tags=["水表"])
PER_PAGE = 30


class OldMeterReturnOut(Schema):
    id: int
    number: str
    meter_number: str
    caliber_dn: int
    customer_name: str
    connection_point_no: str
    area: str
    branch: str
    replacement: str | None = Field(None, description="换表单号")
    work_process: str | None = Field(None, description="拆表任务单所属窗口业务编号")
    returned_by: str
    received_by: str
    returned_on: date
    due_on: date | None
    recorded_at: datetime
    late_entry: bool = Field(..., description="录入超期（晚于 meters.old_meter_entry_working_days 个工作日）")
    reading: Decimal | None
    seal_state: str
    seal_state_label: str
    damaged: bool
    damage_note: str
    keep_until: date | None
    disposition: str
    disposition_label: str
    released_at: datetime | None
    label_printed_at: datetime | None


class OldMeterReturnPageOut(Schema):
    items: list[OldMeterReturnOut]
    has_next: bool


class OldMeterReturnFilters(Schema):
    q: str = Field("", max_length=50, description="回收单号、表号、客户、接水点编号")
    branch: ObjectId | None = Field(None, description="供水分公司 id")
    late: bool = Field(False, description="只看录入超期")
    kept: bool = Field(False, description="只看保存中")
    page: PageNumber = 1


class OldMeterReturnIn(Schema):
    replacement: ObjectId | None = Field(None, description="换表单 id（与 work 二选一）")
    work: ObjectId | None = Field(None, description="拆表任务单（表务任务）id（与 replacement 二选一）")
    meter_number: str = Field("", max_length=30, description="旧表表号；不填为换表单或任务单的旧表")
    returned_by: str = Field(..., max_length=150, description="交表人账号（本分公司换表员）")
    returned_on: Day | None = Field(None, description="交回日期，默认今天")
    reading: Decimal = Field(..., ge=0, max_digits=12, decimal_places=1, description="旧表行度（m³）")
    seal_state: Literal["intact", "broken", "missing"]
    damaged: bool = False
    damage_note: str = Field("", max_length=200)


class OldMeterLabelOut(Schema):
    number: str
    customer_name: str
    connection_point_no: str
    meter_number: str
    caliber_dn: int
    returned_on: date
    keep_until: date | None
    area: str
    branch: str
    qr_svg: str = Field(..., description="回收单号的二维码（SVG）")


class MeterWorkOut(Schema):
    id: int
    process_id: int
    process_number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    customer_name: str
    branch: str
    meter_number: str | None
    renovation: bool
    due_on: date | None
    done_at: datetime | None
    old_return: str | None = Field(None, description="旧表回收单号")


class MeterWorkPageOut(Schema):
    items: list[MeterWorkOut]
    has_next: bool


class MeterWorkFilters(Schema):
    q: str = Field("", max_length=50)
    state: Literal["", "open", "done"] = ""
    kind: Literal["", "remove", "issue"] = ""
    page: PageNumber = 1


class CompensationOut(Schema):
    id: int
    number: str
    old_return: str
    meter_number: str
    customer_name: str
    branch: str
    state: str
    state_label: str
    note: str
    settled_at: datetime | None


class CompensationPageOut(Schema):
    items: list[CompensationOut]
    has_next: bool


class CompensationFilters(Schema):
    q: str = Field("", max_length=50)
    state: Literal["", "open", "settled"] = ""
    page: PageNumber = 1


class CompensationSettleIn(Schema):
    note: str = Field("", max_length=200)


def return_out(r: OldMeterReturn) -> dict:
    point = r.meter.service_point
    return {
        "id": r.pk,
        "number": r.number,
        "meter_number": r.meter.number,
        "caliber_dn": r.meter.caliber_dn,
        "customer_name": point.customer.name,
        "connection_point_no": point.connection_point_no,
        "area": point.service_area.name,
        "branch": str(r.branch),
        "replacement": r.replacement.number if r.replacement_id else None,
        "work_process": r.work.process.number if r.work_id else None,
        "returned_by": str(r.returned_by),
        "received_by": str(r.received_by),
        "returned_on": r.returned_on,
        "due_on": r.due_on,
        "recorded_at": r.recorded_at,
        "late_entry": r.late_entry,
        "reading": r.reading,
        "seal_state": r.seal_state,
        "seal_state_label": r.get_seal_state_display(),
        "damaged": r.damaged,
        "damage_note": r.damage_note,
        "keep_until": r.keep_until,
        "disposition": r.disposition,
        "disposition_label": r.get_disposition_display(),
        "released_at": r.released_at,
        "label_printed_at": r.label_printed_at,
    }


def _page(rows, page: int) -> tuple[list, bool]:
    start = (page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    return found[:PER_PAGE], len(found) > PER_PAGE


def _return(user, pk: int, permission: str = "meters.view_oldmeterreturn") -> OldMeterReturn:
    return fetch(
        OldMeterReturn, user, pk, permission=permission, label="旧表回收单", related=selectors.RETURN_RELATED
    )


@router.get("/returns", response=OldMeterReturnPageOut, summary="旧表回收（按交回日期倒序）")
def list_returns(request, filters: Query[OldMeterReturnFilters]):
    require(request.user, "meters.view_oldmeterreturn")
    rows = selectors.returns(
        request.user, q=filters.q, branch_id=filters.branch, late=filters.late, kept=filters.kept
    )
    items, has_next = _page(rows, filters.page)
    return {"items": [return_out(r) for r in items], "has_next": has_next}


@router.get("/returns/{int:id}", response=OldMeterReturnOut, summary="旧表回收单")
def read_return(request, id: int):
    return return_out(_return(request.user, id))


@router.post("/returns", response={201: OldMeterReturnOut}, summary="登记旧表回收（一次一只，一表一还）")
def create_return(request, payload: OldMeterReturnIn):
    require(request.user, "meters.view_oldmeterreturn", "meters.add_oldmeterreturn")
    replacement = work = meter = None
    if payload.replacement is not None:
        replacement = (
            visible(Replacement.objects.select_related("meter"), request.user)
            .filter(pk=payload.replacement)
            .first()
        )
        if replacement is None:
            raise ValidationError({"replacement": f"换表单不存在：{payload.replacement}"})
        meter = replacement.meter
    if payload.work is not None:
        work = (
            visible(MeterWork.objects.select_related("meter"), request.user).filter(pk=payload.work).first()
        )
        if work is None:
            raise ValidationError({"work": f"拆表任务单不存在：{payload.work}"})
        meter = meter or work.meter
    if payload.meter_number.strip():
        meter = Meter.objects.filter(number=payload.meter_number.strip()).first()
        if meter is None:
            raise ValidationError({"meter_number": f"档案中没有表号为{payload.meter_number.strip()}的水表"})
    if meter is None:
        if replacement is None and work is None:
            raise ValidationError(
                {"source": "每只旧表须对应一张换表单或一张拆表任务单（一表一还，不能合并交回）"}
            )
        raise ValidationError({"meter_number": "该拆表任务单未指定水表，请填写所交旧表的表号"})
    returned_by = User.objects.filter(username=payload.returned_by.strip()).first()
    if returned_by is None:
        raise ValidationError({"returned_by": f"交表人账号不存在：{payload.returned_by}"})
    old_return = services.return_old_meter(
        actor=request.user,
        meter=meter,
        returned_by=returned_by,
        reading=payload.reading,
        seal_state=payload.seal_state,
        damaged=payload.damaged,
        damage_note=payload.damage_note,
        replacement=replacement,
        work=work,
        returned_on=payload.returned_on,
    )
    return Status(201, return_out(_return(request.user, old_return.pk)))


@router.post("/returns/{int:id}/release", response=OldMeterReturnOut, summary="保存期满放行")
def release_return(request, id: int):
    old_return = _return(request.user, id, "meters.change_oldmeterreturn")
    services.release_old_meter(actor=request.user, old_return=old_return)
    return return_out(_return(request.user, id))


@router.get("/returns/{int:id}/label", response=OldMeterLabelOut, summary="旧表标签内容（含二维码）")
def return_label(request, id: int):
    old_return = _return(request.user, id)
    if not services.labelled(old_return):
        raise ValidationError({"id": f"{old_return.number}：小口径旧表不须贴标签（meters.large_caliber_dn）"})
    label = label_for(old_return)
    return {**label.__dict__, "qr_svg": str(label.qr)}


def work_out(w: MeterWork) -> dict:
    try:
        old_return = w.old_return
    except OldMeterReturn.DoesNotExist:
        old_return = None
    return {
        "id": w.pk,
        "process_id": w.process_id,
        "process_number": w.process.number,
        "kind": w.kind,
        "kind_label": w.get_kind_display(),
        "state": w.state,
        "state_label": w.get_state_display(),
        "customer_name": w.customer.name,
        "branch": str(w.branch),
        "meter_number": w.meter.number if w.meter_id else None,
        "renovation": w.renovation,
        "due_on": w.due_on,
        "done_at": w.done_at,
        "old_return": old_return.number if old_return else None,
    }


@router.get(
    "/meter-works", response=MeterWorkPageOut, summary="表务任务（窗口业务开具的拆表任务单、改表领表单）"
)
def list_meter_works(request, filters: Query[MeterWorkFilters]):
    require(request.user, "meters.view_meterwork")
    rows = selectors.works(request.user, q=filters.q, state=filters.state, kind=filters.kind)
    items, has_next = _page(rows, filters.page)
    return {"items": [work_out(w) for w in items], "has_next": has_next}


def compensation_out(c: CompensationCase) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "old_return": c.old_return.number,
        "meter_number": c.old_return.meter.number,
        "customer_name": c.old_return.meter.service_point.customer.name,
        "branch": str(c.branch),
        "state": c.state,
        "state_label": c.get_state_display(),
        "note": c.note,
        "settled_at": c.settled_at,
    }


@router.get("/compensations", response=CompensationPageOut, summary="赔表单")
def list_compensations(request, filters: Query[CompensationFilters]):
    require(request.user, "meters.view_compensationcase")
    rows = selectors.compensations(request.user, q=filters.q, state=filters.state)
    items, has_next = _page(rows, filters.page)
    return {"items": [compensation_out(c) for c in items], "has_next": has_next}


@router.post("/compensations/{int:id}/settle", response=CompensationOut, summary="赔表处理完毕")
def settle_compensation(request, id: int, payload: CompensationSettleIn):
    case = fetch(
        CompensationCase, request.user, id, permission="meters.change_compensationcase", label="赔表单"
    )
    services.settle_compensation(actor=request.user, case=case, note=payload.note)
    case = selectors.compensations(request.user).get(pk=case.pk)
    return compensation_out(case)
