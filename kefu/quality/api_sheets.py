"""The appraisal API (Q2, Q4): the preview of the computation (reads nothing: any member of staff may
try it), and each sheet — read with the same visibility as its page, lines added and voided, the
team leader's adjustment — through the same services and fetch helper as the pages."""

from datetime import date

from ninja import Field, Router

from kefu.core.params import parse_month
from kefu.core.schemas import Day, Schema
from kefu.quality import computation

router = Router()


class AppraisalPreviewItemIn(Schema):
    kind: str = Field(..., max_length=20, description="bonus | light | medium | severe | dismissal")
    points: int = Field(..., ge=-1000, le=1000, description="分值（不带正负号，须在该类别的分值范围内）")
    label: str = Field("", max_length=100, description="项目名称（可选，显示在计算过程中）")


class AppraisalPreviewIn(Schema):
    joined_on: Day | None = Field(None, description="入职日期 YYYY-MM-DD（前两个自然月不浮动工资）")
    month: str = Field(..., max_length=20, description="考核月份 YYYY-MM")
    items: list[AppraisalPreviewItemIn] = Field(default_factory=list, max_length=500)
    adjustment: int = Field(0, ge=-1000, le=1000, description="额外奖惩 -5..+5")
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


urlpatterns: list = []
