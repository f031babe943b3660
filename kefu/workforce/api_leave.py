"""Leave API (S2): the same services, visibility and refusals as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from pydantic import Field

from kefu.accounts.models import User
from kefu.core.permissions import require
from kefu.core.schemas import Moment, PageNumber, Schema
from kefu.workforce import selectors_leave as selectors
from kefu.workforce.models import LeaveKind, LeaveRequest
from kefu.workforce.services import leave as services

router = Router(tags=["请假"])

PER_PAGE = 30


class DecisionOut(Schema):
    level: str
    decided_by: str
    approved: bool
    note: str
    decided_at: datetime


class LeaveOut(Schema):
    id: int
    number: str
    person: str
    person_username: str
    asked_by: str
    kind: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    status: str
    status_label: str
    levels: list[str] = Field(..., description="审批层级（角色代码，依次为班长、客服部主任、中心主任）")
    level: int = Field(..., description="已同意的层级数")
    waiting_for: str = Field(..., description="当前待审批的层级（中文），审结后为空")
    late_notice: bool = Field(..., description="未按规定提前请假：须经批准方可生效，否则按旷工处理")
    certificate_required: bool
    certificate_due_on: date | None
    certificate_handed_in_at: datetime | None
    certificate_missing: bool
    decisions: list[DecisionOut]


class LeaveFilters(Schema):
    tab: str = Field("all", description="mine 我的请假；awaiting 待我审批；all 我可见的全部")
    q: str = Field("", max_length=50, description="请假单号或请假人")
    page: PageNumber = 1


class LeaveIn(Schema):
    kind: LeaveKind
    starts_at: Moment
    ends_at: Moment
    reason: str = Field(..., max_length=500)
    person: str = Field("", description="请假人账号；不填为本人（代请仅限病假、急诊病假）")


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


class WithdrawIn(Schema):
    note: str = Field("", max_length=200)


class CertificateIn(Schema):
    handed_in_at: Moment | None = None


def out(leave: LeaveRequest) -> dict:
    return {
        "id": leave.pk,
        "number": leave.number,
        "person": str(leave.person),
        "person_username": leave.person.username,
        "asked_by": str(leave.asked_by),
        "kind": leave.kind,
        "kind_label": leave.get_kind_display(),
        "starts_at": leave.starts_at,
        "ends_at": leave.ends_at,
        "reason": leave.reason,
        "status": leave.status,
        "status_label": leave.get_status_display(),
        "levels": leave.levels,
        "level": leave.level,
        "waiting_for": services.current_level_label(leave),
        "late_notice": leave.late_notice,
        "certificate_required": leave.certificate_required,
        "certificate_due_on": leave.certificate_due_on,
        "certificate_handed_in_at": leave.certificate_handed_in_at,
        "certificate_missing": leave.certificate_missing_flagged_at is not None,
        "decisions": [
            {
                "level": services.LEVEL_LABELS.get(d.level_role, d.level_role),
                "decided_by": str(d.decided_by),
                "approved": d.approved,
                "note": d.note,
                "decided_at": d.created_at,
            }
            for d in leave.decisions.all()
        ],
    }


TABS = {"mine": selectors.mine, "awaiting": selectors.awaiting, "all": selectors.visible_to}


@router.get("/leave", response=list[LeaveOut], summary="请假单（按可见范围：本人、本班组、全部）")
def list_leave(request, filters: Query[LeaveFilters]):
    require(request.user, "workforce.view_leaverequest")
    if filters.tab not in TABS:
        raise ValidationError({"tab": "tab 应为 mine、awaiting 或 all"})
    rows = selectors.search(TABS[filters.tab](request.user), filters.q).order_by("-starts_at", "-id")
    start = (filters.page - 1) * PER_PAGE
    rows = rows.prefetch_related("decisions__decided_by")[start : start + PER_PAGE]
    return [out(leave) for leave in rows]


@router.get("/leave/{int:pk}", response=LeaveOut, summary="请假单")
def read_leave(request, pk: int):
    return out(selectors.get_leave_for(request.user, pk))


@router.post("/leave", response={201: LeaveOut}, summary="请假（事假须本人提出，病假可代请）")
def create_leave(request, payload: LeaveIn):
    require(request.user, "workforce.view_leaverequest", "workforce.add_leaverequest")
    person = None
    if payload.person:
        person = User.objects.filter(username=payload.person, is_active=True).first()
        if person is None:
            raise ValidationError({"person": f"请假人账号不存在：{payload.person}"})
    leave = services.ask_leave(
        actor=request.user,
        person=person,
        kind=payload.kind,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
    )
    return Status(201, out(selectors.get_leave_for(request.user, leave.pk)))


@router.post("/leave/{int:pk}/decide", response=LeaveOut, summary="审批请假（逐级，仅当前层级的审批人）")
def decide_leave(request, pk: int, payload: DecideIn):
    leave = selectors.get_leave_for(request.user, pk)
    require(request.user, "workforce.approve_leaverequest")
    services.decide_leave(actor=request.user, leave=leave, approve=payload.approve, note=payload.note)
    return out(selectors.get_leave_for(request.user, pk))


@router.post("/leave/{int:pk}/withdraw", response=LeaveOut, summary="撤回请假（已批准的在假期开始前撤销）")
def withdraw_leave(request, pk: int, payload: WithdrawIn):
    leave = selectors.get_leave_for(request.user, pk)
    services.withdraw_leave(actor=request.user, leave=leave, note=payload.note)
    return out(selectors.get_leave_for(request.user, pk))


@router.post("/leave/{int:pk}/certificate", response=LeaveOut, summary="班长登记收到病假医疗证明")
def hand_in_certificate(request, pk: int, payload: CertificateIn):
    leave = selectors.get_leave_for(request.user, pk)
    services.hand_in_certificate(actor=request.user, leave=leave, handed_in_at=payload.handed_in_at)
    return out(selectors.get_leave_for(request.user, pk))
