"""The appraisal API (Q2, Q4): the preview of the computation (reads nothing: any member of staff may
try it), and each sheet — read with the same visibility as its page, lines added and voided, the
team leader's adjustment — through the same services and fetch helper as the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Status

from kefu.core.params import parse_month
from kefu.core.schemas import Day, ObjectId, Schema
from kefu.quality import computation
from kefu.quality.models import AppraisalItem, AppraisalLine, AppraisalSheet
from kefu.quality.permissions_sheets import get_sheet_for
from kefu.quality.services import sheets as services

router = Router()


class AppraisalPreviewItemIn(Schema):
    kind: str = Field(..., max_length=20, description="bonus | light | medium | severe | dismissal")
    points: int = Field(
        ..., strict=True, ge=-1000, le=1000, description="分值（不带正负号，须在该类别的分值范围内）"
    )
    label: str = Field("", max_length=100, description="项目名称（可选，显示在计算过程中）")


class AppraisalPreviewIn(Schema):
    joined_on: Day | None = Field(None, description="入职日期 YYYY-MM-DD（前两个自然月不浮动工资）")
    month: str = Field(..., max_length=20, description="考核月份 YYYY-MM")
    items: list[AppraisalPreviewItemIn] = Field(default_factory=list, max_length=500)
    adjustment: int = Field(0, strict=True, ge=-1000, le=1000, description="额外奖惩 -5..+5")
    adjustment_reason: str = Field("", max_length=300)
    last_place_twice_below: bool = False


class AppraisalComputedLine(Schema):
    label: str
    points: int | None
    total: int


class AppraisalPreviewOut(Schema):
    score: int
    grade: str | None
    pay_delta: int
    termination_flag: bool
    termination_reasons: list[str]
    lines: list[AppraisalComputedLine]


def month_start(text: str, *, field: str = "month") -> date:
    year, month = parse_month(text, field=field)
    return date(year, month, 1)


def result_out(result: computation.Result) -> dict:
    return {
        "score": result.score,
        "grade": result.grade,
        "pay_delta": result.pay_delta,
        "termination_flag": result.termination_flag,
        "termination_reasons": result.termination_reasons,
        "lines": result.lines,
    }


@router.post(
    "/appraisals/preview",
    response=AppraisalPreviewOut,
    summary="考核试算（按考核制度计算考核分、等级、工资浮动与解除合同提示；不保存）",
)
def preview(request, payload: AppraisalPreviewIn):
    result = computation.compute(
        month=month_start(payload.month),
        joined_on=payload.joined_on,
        items=[computation.Item(i.kind, i.points, i.label) for i in payload.items],
        adjustment=payload.adjustment,
        adjustment_reason=payload.adjustment_reason,
        last_place_twice_below=payload.last_place_twice_below,
    )
    return result_out(result)


# ---- sheets


class AppraisalLineOut(Schema):
    id: int
    item_code: str
    item: str
    kind: str
    kind_label: str
    points: int
    signed_points: int
    occurred_on: date | None
    note: str
    evidence: str
    evidence_url: str
    automatic: bool
    void: bool
    void_reason: str


class AppraisalSheetOut(Schema):
    id: int
    month: str
    month_status: str
    person_id: int
    person: str
    employee_no: str | None
    team: str | None
    joined_on: date | None
    adjustment: int
    adjustment_reason: str
    score: int
    grade: str | None
    pay_delta: int
    termination_flag: bool
    termination_reasons: list[str]
    rank_in_team: int | None
    computed_lines: list[AppraisalComputedLine]
    lines: list[AppraisalLineOut]


class AppraisalLineIn(Schema):
    item: str = Field("", max_length=40, description="考核项目编码（按超时分钟录入突发事件时可不填）")
    points: int | None = Field(None, strict=True, ge=0, le=1000, description="分值；项目只有一个分值时可不填")
    note: str = Field(..., max_length=300, description="情况说明")
    occurred_on: Day | None = None
    minutes: int | None = Field(
        None, strict=True, ge=1, le=100000, description="突发事件处理超时分钟（按档次扣分）"
    )


class AppraisalLineVoidIn(Schema):
    reason: str = Field(..., max_length=300)


class AppraisalAdjustIn(Schema):
    adjustment: int = Field(
        ..., strict=True, ge=-1000, le=1000, description="额外奖惩 -5..+5（仅班长的考核表）"
    )
    reason: str = Field("", max_length=300)


def line_out(line: AppraisalLine) -> dict:
    return {
        "id": line.pk,
        "item_code": line.item.code,
        "item": line.item.name,
        "kind": line.kind,
        "kind_label": line.get_kind_display(),
        "points": line.points,
        "signed_points": line.points if line.kind == "bonus" else -line.points,
        "occurred_on": line.occurred_on,
        "note": line.note,
        "evidence": line.evidence,
        "evidence_url": line.evidence_url,
        "automatic": line.automatic,
        "void": line.void,
        "void_reason": line.void_reason,
    }


def sheet_out(sheet: AppraisalSheet) -> dict:
    lines = sheet.lines.select_related("item").order_by("kind", "occurred_on", "id")
    return {
        "id": sheet.pk,
        "month": f"{sheet.appraisal_month.month:%Y-%m}",
        "month_status": sheet.appraisal_month.status,
        "person_id": sheet.person_id,
        "person": str(sheet.person),
        "employee_no": sheet.person.employee_no,
        "team": str(sheet.team) if sheet.team_id else None,
        "joined_on": sheet.joined_on,
        "adjustment": sheet.adjustment,
        "adjustment_reason": sheet.adjustment_reason,
        "score": sheet.score,
        "grade": sheet.grade or None,
        "pay_delta": sheet.pay_delta,
        "termination_flag": sheet.termination_flag,
        "termination_reasons": sheet.termination_reasons or [],
        "rank_in_team": sheet.rank_in_team,
        "computed_lines": sheet.computed_lines or [],
        "lines": [line_out(line) for line in lines],
    }


@router.get("/sheets/{int:pk}", response=AppraisalSheetOut, summary="考核表（本人、本班组或考核人员可见）")
def sheet_detail(request, pk: ObjectId):
    return sheet_out(get_sheet_for(request.user, pk))


@router.post("/sheets/{int:pk}/lines", response={201: AppraisalLineOut}, summary="录入考核项（培训专员）")
def sheet_add_line(request, pk: ObjectId, payload: AppraisalLineIn):
    sheet = get_sheet_for(request.user, pk, write=True)
    item = None
    if payload.item:
        item = AppraisalItem.objects.filter(code=payload.item).first()
        if item is None:
            raise ValidationError({"item": [f"考核项目“{payload.item}”不存在"]})
    line = services.add_line(
        sheet=sheet,
        actor=request.user,
        item=item,
        points=payload.points,
        note=payload.note,
        occurred_on=payload.occurred_on,
        minutes=payload.minutes,
    )
    return Status(201, line_out(line))


@router.post("/sheets/lines/{int:pk}/void", response=AppraisalLineOut, summary="作废考核项（须写明原因）")
def sheet_void_line(request, pk: ObjectId, payload: AppraisalLineVoidIn):
    line = AppraisalLine.objects.filter(pk=pk).select_related("item").first()
    if line is None:
        raise Http404("考核明细不存在")
    get_sheet_for(request.user, line.sheet_id, write=True)
    return line_out(services.void_line(line=line, actor=request.user, reason=payload.reason))


@router.post("/sheets/{int:pk}/adjust", response=AppraisalSheetOut, summary="额外奖惩（班长的考核表，±5分）")
def sheet_adjust(request, pk: ObjectId, payload: AppraisalAdjustIn):
    sheet = get_sheet_for(request.user, pk, write=True)
    return sheet_out(
        services.adjust(sheet=sheet, actor=request.user, adjustment=payload.adjustment, reason=payload.reason)
    )
