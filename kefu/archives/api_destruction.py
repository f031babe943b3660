"""The destruction API (D3), the holdings check (ch.8 §3–§5) and the hand-overs (ch.8 §6): the lists,
one destruction list with its items, the proposal and each step of the workflow (review, approve,
refuse, carry out, re-check), the files past retention, the checks and their answers, the hand-overs
with their lists. Same services, fetch-and-check helpers (selectors_destruction) and Chinese refusals as
the pages."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.archives import selectors_destruction as selectors
from kefu.archives.holdings import holdings_list
from kefu.archives.models import Destruction, HandOver, HoldingsInspection
from kefu.archives.permissions import visible_files
from kefu.archives.services import destruction as services
from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, PageNumber, Schema

router = Router(tags=["档案与钥匙"])
PER_PAGE = 30
MOST_IDS = 20000


class DestructionItemOut(Schema):
    id: int
    file_id: int
    catalogue_number: str | None
    title: str
    category: str
    retention_years: int
    retention_until: date | None
    file_state: str
    rechecked: bool


class DestructionOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    reason: str
    proposed_by: str
    proposed_at: datetime
    appraisal_group: list[str]
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    approved_by: str | None
    approved_at: datetime | None
    approval_note: str
    place: str
    destroyed_at: datetime | None
    witnesses: list[str]
    rechecked_by: str | None
    rechecked_at: datetime | None
    file_count: int


class DestructionDetailOut(DestructionOut):
    items: list[DestructionItemOut]


class DestructionPageOut(Schema):
    items: list[DestructionOut]
    has_next: bool


class DestructionFilters(Schema):
    q: str = Field("", max_length=50, description="清册号、销毁理由、档号")
    state: Literal["", "open", "recheck", "proposed", "reviewed", "approved", "refused", "destroyed"] = ""
    page: PageNumber = 1


class DestructionIn(Schema):
    files: list[ObjectId] = Field(..., max_length=MOST_IDS, description="保管期满、已归档的档案 id")
    reason: str = Field(..., max_length=300, description="销毁理由（鉴定小组意见）")
    appraisal_group: list[ObjectId] = Field(
        ...,
        max_length=50,
        description="鉴定小组成员 id（提出人自动计入；至少 archives.destruction_min_appraisers 人）",
    )


class DestructionNoteIn(Schema):
    note: str = Field("", max_length=200, description="意见；不同意时必填")


class DestructionCarryOutIn(Schema):
    place: str = Field(..., max_length=100, description="销毁地点")
    witnesses: list[ObjectId] = Field(
        ..., max_length=50, description="在场并签字的人员 id（至少 archives.destruction_min_witnesses 人）"
    )


class DestructionRecheckIn(Schema):
    items: list[ObjectId] = Field(..., max_length=MOST_IDS, description="已复核的清册条目 id")


class ExpiredFileOut(Schema):
    id: int
    catalogue_number: str | None
    title: str
    category: str
    retention_years: int
    retention_until: date | None
    location: str


class ExpiredFilePageOut(Schema):
    items: list[ExpiredFileOut]
    has_next: bool


class ExpiredFileFilters(Schema):
    q: str = Field("", max_length=50, description="档号开头或题名")
    category: str = Field("", max_length=20, description="档案类别编码")
    page: PageNumber = 1


class HoldingsCheckItemOut(Schema):
    code: str
    label: str
    ok: bool | None
    note: str


class HoldingsCheckOut(Schema):
    id: int
    period: str
    period_label: str
    due_on: date
    checklist: list[HoldingsCheckItemOut]
    problems: str
    done_by: str | None
    done_at: datetime | None
    reported_to: str | None


class HoldingsCheckPageOut(Schema):
    items: list[HoldingsCheckOut]
    has_next: bool


class HoldingsCheckFilters(Schema):
    state: Literal["", "open", "problems"] = ""
    page: PageNumber = 1


class HoldingsCheckAnswerIn(Schema):
    code: str = Field(..., max_length=40, description="检查项目编码（即项目名称）")
    ok: bool = Field(..., description="true 正常；false 发现问题（须写明情况）")
    note: str = Field("", max_length=200)


class HoldingsCheckIn(Schema):
    answers: list[HoldingsCheckAnswerIn] = Field(..., max_length=50)
    problems: str = Field("", max_length=1000, description="其他问题或说明")
    reported_to: ObjectId | None = Field(None, description="发现问题时报告的领导 id（客服部主任或中心主任）")


class ArchiveHandOverOut(Schema):
    id: int
    from_user: str
    to_user: str
    witness: str | None
    handed_at: datetime
    from_signed_at: datetime | None
    to_signed_at: datetime | None
    file_count: int
    key_count: int
    note: str


class ArchiveHandOverDetailOut(ArchiveHandOverOut):
    catalogue_numbers: list[str]
    key_labels: list[str]


class ArchiveHandOverPageOut(Schema):
    items: list[ArchiveHandOverOut]
    has_next: bool


class ArchiveHandOverFilters(Schema):
    q: str = Field("", max_length=50, description="移交人或接收人")
    page: PageNumber = 1


def _page(rows, page: int) -> tuple[list, bool]:
    start = (page - 1) * PER_PAGE
    found = list(rows[start : start + PER_PAGE + 1])
    return found[:PER_PAGE], len(found) > PER_PAGE


def _name(user) -> str | None:
    return str(user) if user else None


def destruction_out(d: Destruction, *, items: bool = False) -> dict:
    out = {
        "id": d.pk,
        "number": d.number,
        "state": d.state,
        "state_label": d.get_state_display(),
        "reason": d.reason,
        "proposed_by": str(d.proposed_by),
        "proposed_at": d.proposed_at,
        "appraisal_group": [str(p) for p in d.appraisal_group.order_by("name", "pk")],
        "reviewed_by": _name(d.reviewed_by),
        "reviewed_at": d.reviewed_at,
        "review_note": d.review_note,
        "approved_by": _name(d.approved_by),
        "approved_at": d.approved_at,
        "approval_note": d.approval_note,
        "place": d.place,
        "destroyed_at": d.destroyed_at,
        "witnesses": [str(p) for p in d.witnesses.order_by("name", "pk")],
        "rechecked_by": _name(d.rechecked_by),
        "rechecked_at": d.rechecked_at,
        "file_count": d.items.count(),
    }
    if items:
        out["items"] = [
            {
                "id": item.pk,
                "file_id": item.file_id,
                "catalogue_number": item.file.catalogue_number,
                "title": item.file.title,
                "category": item.file.category,
                "retention_years": item.file.retention_years,
                "retention_until": item.file.retention_until,
                "file_state": item.file.state,
                "rechecked": item.rechecked,
            }
            for item in selectors.items_of(d)
        ]
    return out


def _people(ids: list[int], field: str) -> list:
    found = {person.pk: person for person in User.objects.filter(pk__in=set(ids))}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: f"人员不存在：{'、'.join(missing[:10])}"})
    return [found[pk] for pk in ids]


@router.get("/destructions", response=DestructionPageOut, summary="档案销毁清册")
def list_destructions(request, filters: Query[DestructionFilters]):
    require(request.user, "archives.view_destruction")
    rows = selectors.destructions(request.user, q=filters.q, state=filters.state)
    items, has_next = _page(rows, filters.page)
    return {"items": [destruction_out(d) for d in items], "has_next": has_next}


@router.get("/destructions/expired-files", response=ExpiredFilePageOut, summary="保管期满、可提出销毁的档案")
def list_expired_files(request, filters: Query[ExpiredFileFilters]):
    require(request.user, "archives.view_destruction")
    rows = selectors.past_retention(request.user, q=filters.q, category=filters.category)
    items, has_next = _page(rows, filters.page)
    return {
        "items": [
            {
                "id": f.pk,
                "catalogue_number": f.catalogue_number,
                "title": f.title,
                "category": f.category,
                "retention_years": f.retention_years,
                "retention_until": f.retention_until,
                "location": f.location,
            }
            for f in items
        ],
        "has_next": has_next,
    }


@router.get("/destructions/{int:id}", response=DestructionDetailOut, summary="销毁清册（含条目）")
def read_destruction(request, id: int):
    return destruction_out(selectors.get_destruction_for(request.user, id), items=True)


@router.post("/destructions", response={201: DestructionDetailOut}, summary="鉴定小组提出销毁（登记造册）")
def propose_destruction(request, payload: DestructionIn):
    require(request.user, "archives.view_destruction", "archives.propose_destruction")
    ids = list(dict.fromkeys(payload.files))
    files = list(visible_files(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    if len(files) != len(ids):
        raise ValidationError({"files": "所选档案不存在"})
    destruction = services.propose(
        actor=request.user,
        files=files,
        reason=payload.reason,
        appraisal_group=_people(list(dict.fromkeys(payload.appraisal_group)), "appraisal_group"),
    )
    return Status(
        201, destruction_out(selectors.get_destruction_for(request.user, destruction.pk), items=True)
    )


@router.post("/destructions/{int:id}/review", response=DestructionOut, summary="部门主管审核")
def review_destruction(request, id: int, payload: DestructionNoteIn):
    d = services.review(
        actor=request.user, destruction=selectors.get_destruction_for(request.user, id), note=payload.note
    )
    return destruction_out(selectors.get_destruction_for(request.user, d.pk))


@router.post("/destructions/{int:id}/approve", response=DestructionOut, summary="领导批准销毁")
def approve_destruction(request, id: int, payload: DestructionNoteIn):
    d = services.approve(
        actor=request.user, destruction=selectors.get_destruction_for(request.user, id), note=payload.note
    )
    return destruction_out(selectors.get_destruction_for(request.user, d.pk))


@router.post("/destructions/{int:id}/refuse", response=DestructionOut, summary="不同意销毁（审核或批准时）")
def refuse_destruction(request, id: int, payload: DestructionNoteIn):
    d = services.refuse(
        actor=request.user, destruction=selectors.get_destruction_for(request.user, id), note=payload.note
    )
    return destruction_out(selectors.get_destruction_for(request.user, d.pk))


@router.post(
    "/destructions/{int:id}/carry-out", response=DestructionDetailOut, summary="销毁登记（两人以上在场签字）"
)
def carry_out_destruction(request, id: int, payload: DestructionCarryOutIn):
    d = services.carry_out(
        actor=request.user,
        destruction=selectors.get_destruction_for(request.user, id),
        place=payload.place,
        witnesses=_people(list(dict.fromkeys(payload.witnesses)), "witnesses"),
    )
    return destruction_out(selectors.get_destruction_for(request.user, d.pk), items=True)


@router.post("/destructions/{int:id}/recheck", response=DestructionDetailOut, summary="主管复核销毁内容")
def recheck_destruction(request, id: int, payload: DestructionRecheckIn):
    d = services.recheck(
        actor=request.user, destruction=selectors.get_destruction_for(request.user, id), items=payload.items
    )
    return destruction_out(selectors.get_destruction_for(request.user, d.pk), items=True)


def check_out(i: HoldingsInspection) -> dict:
    return {
        "id": i.pk,
        "period": i.period,
        "period_label": services.period_label(i.period),
        "due_on": i.due_on,
        "checklist": [
            {
                "code": str(e.get("code", "")),
                "label": str(e.get("label", "")),
                "ok": e.get("ok"),
                "note": str(e.get("note", "")),
            }
            for e in i.checklist
        ],
        "problems": i.problems,
        "done_by": _name(i.done_by),
        "done_at": i.done_at,
        "reported_to": _name(i.reported_to),
    }


@router.get("/holdings-checks", response=HoldingsCheckPageOut, summary="库房定期检查")
def list_holdings_checks(request, filters: Query[HoldingsCheckFilters]):
    require(request.user, "archives.view_holdingsinspection")
    items, has_next = _page(selectors.inspections(request.user, state=filters.state), filters.page)
    return {"items": [check_out(i) for i in items], "has_next": has_next}


@router.get("/holdings-checks/{int:id}", response=HoldingsCheckOut, summary="库房检查记录")
def read_holdings_check(request, id: int):
    return check_out(selectors.get_inspection_for(request.user, id))


@router.post("/holdings-checks/{int:id}/record", response=HoldingsCheckOut, summary="填写库房检查结果")
def record_holdings_check(request, id: int, payload: HoldingsCheckIn):
    inspection = selectors.get_inspection_for(request.user, id)
    require(request.user, "archives.change_holdingsinspection")
    reported_to = None
    if payload.reported_to is not None:
        reported_to = User.objects.filter(pk=payload.reported_to).first()
        if reported_to is None:
            raise ValidationError({"reported_to": f"人员不存在：{payload.reported_to}"})
    services.record_inspection(
        actor=request.user,
        inspection=inspection,
        results={a.code: {"ok": a.ok, "note": a.note} for a in payload.answers},
        reported_to=reported_to,
        problems=payload.problems,
    )
    return check_out(selectors.get_inspection_for(request.user, id))


def hand_over_out(h: HandOver, *, detail: bool = False) -> dict:
    out = {
        "id": h.pk,
        "from_user": str(h.from_user),
        "to_user": str(h.to_user),
        "witness": _name(h.witness),
        "handed_at": h.handed_at,
        "from_signed_at": h.from_signed_at,
        "to_signed_at": h.to_signed_at,
        "file_count": h.file_count,
        "key_count": h.key_count,
        "note": h.note,
    }
    if detail:
        out["catalogue_numbers"], out["key_labels"] = holdings_list(h)
    return out


@router.get("/hand-overs", response=ArchiveHandOverPageOut, summary="档案移交记录")
def list_hand_overs(request, filters: Query[ArchiveHandOverFilters]):
    require(request.user, "archives.view_handover")
    items, has_next = _page(selectors.hand_overs(request.user, q=filters.q), filters.page)
    return {"items": [hand_over_out(h) for h in items], "has_next": has_next}


@router.get("/hand-overs/{int:id}", response=ArchiveHandOverDetailOut, summary="档案移交清单")
def read_hand_over(request, id: int):
    return hand_over_out(selectors.get_hand_over_for(request.user, id), detail=True)
