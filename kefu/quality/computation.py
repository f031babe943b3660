"""The appraisal computation (Q2, Q4), exactly as issue 16 defines it; pure (reads only the rules), so
the preview API, the live sheet page and the monthly close share one function.

    score = base (80) + bonuses − deductions − automatic extra + adjustment, then capped at the maximum (110)
    automatic extra: 2+ medium lines or 4+ light lines in the month → one extra −20
    adjustment: −5..+5, an integer, a written reason when it is not 0
    grade: A > 90; B 80–90; C 70 ≤ s < 80; D 65 ≤ s < 70; E 60 ≤ s < 65; below 60 none
    pay change: (score − 80) × 10 yuan, within ±300; 0 in the first two calendar months of employment
    termination flag: below 60; a dismissal item; last in the team and below 70 this and last month

Every number is a rule (kefu.quality.policies); each step is one line of `Result.lines`, shown on the
sheet as it is computed here."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from kefu.core.policies import policies
from kefu.quality.rules import KIND_RULES, parse_range

KIND_LABELS = {
    "bonus": "加分",
    "light": "轻度违规",
    "medium": "中度违规",
    "severe": "重度违规",
    "dismissal": "直接辞退",
}
DEDUCTIONS = ("light", "medium", "severe", "dismissal")
# Every rule the computation reads, read in one query per computation (the monthly close computes
# hundreds of sheets).
RULE_KEYS = (
    *KIND_RULES.values(),
    "quality.base_points",
    "quality.max_points",
    "quality.extra_medium_count",
    "quality.extra_light_count",
    "quality.extra_points",
    "quality.adjustment_max",
    "quality.grade_a_above",
    "quality.grade_b_from",
    "quality.grade_c_from",
    "quality.grade_d_from",
    "quality.grade_e_from",
    "quality.last_place_below",
    "quality.pay_per_point",
    "quality.pay_limit",
    "quality.pay_free_months",
)


def read_rules() -> dict:
    return dict(zip(RULE_KEYS, policies(*RULE_KEYS), strict=True))


@dataclass(frozen=True)
class Item:
    kind: str  # bonus | light | medium | severe | dismissal
    points: int
    label: str = ""


@dataclass
class Result:
    score: int
    grade: str | None  # None below the E mark
    pay_delta: int
    termination_flag: bool
    termination_reasons: list[str] = field(default_factory=list)
    # Every step shown on the sheet: {"label": …, "points": signed int or None, "total": running score}
    lines: list[dict] = field(default_factory=list)


def months_employed(*, month: date, joined_on: date) -> int:
    """The calendar month of employment `month` is: the month of joining is the first."""
    return (month.year - joined_on.year) * 12 + month.month - joined_on.month + 1


def grade_for(score: int, rules: dict | None = None) -> str | None:
    policy = (rules or read_rules()).__getitem__
    if score > policy("quality.grade_a_above"):
        return "A"
    for grade, key in (
        ("B", "quality.grade_b_from"),
        ("C", "quality.grade_c_from"),
        ("D", "quality.grade_d_from"),
        ("E", "quality.grade_e_from"),
    ):
        if score >= policy(key):
            return grade
    return None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(
    *,
    month: date,
    joined_on: date | None,
    items: Sequence[Item],
    adjustment: int,
    adjustment_reason: str,
    rules: dict | None = None,
) -> None:
    """Raise a ValidationError keyed by field for everything wrong with the input at once."""
    policy = (rules or read_rules()).__getitem__
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        if item.kind not in KIND_RULES:
            known = "、".join(f"{kind}（{label}）" for kind, label in KIND_LABELS.items())
            errors[f"items[{index}].kind"] = [f"类别“{str(item.kind)[:20]}”不存在，可用：{known}"]
            continue
        low, high = parse_range(policy(KIND_RULES[item.kind]))
        if not _whole(item.points) or not low <= item.points <= high:
            rule = KIND_RULES[item.kind]
            span = f"{low}分" if low == high else f"{low}至{high}分"
            errors[f"items[{index}].points"] = [
                f"{KIND_LABELS[item.kind]}每次分值应为{span}（业务规则“{rule}”：{policy(rule)}）"
            ]
    limit = policy("quality.adjustment_max")
    if not _whole(adjustment) or not -limit <= adjustment <= limit:
        errors["adjustment"] = [
            f"额外奖惩应为-{limit}至{limit}之间的整数"
            f"（业务规则 quality.adjustment_max：分数浮动在-{limit}至{limit}之间）"
        ]
    elif adjustment and not (adjustment_reason or "").strip():
        errors["adjustment_reason"] = ["额外奖惩不为0时必须说明理由（考核制度：必须说明额外奖惩理由）"]
    if joined_on is not None and month < date(joined_on.year, joined_on.month, 1):
        errors["month"] = [f"考核月份{month:%Y-%m}早于入职日期{joined_on:%Y-%m-%d}"]
    if errors:
        raise ValidationError(errors)


def compute(
    *,
    month: date,
    joined_on: date | None,
    items: Sequence[Item],
    adjustment: int = 0,
    adjustment_reason: str = "",
    last_place_twice_below: bool = False,
    rules: dict | None = None,
) -> Result:
    """`month` is the month's first day; `last_place_twice_below` says the person is last in the team
    and below the rule's mark this and the previous month (the monthly close knows the ranks).
    Raises django ValidationError keyed by field ("items[2].points", "adjustment", …) on bad input.
    `rules` is read_rules() read once by a caller computing many sheets; read here when not given."""
    month = date(month.year, month.month, 1)
    rules = rules or read_rules()
    policy = rules.__getitem__
    validate(
        month=month,
        joined_on=joined_on,
        items=items,
        adjustment=adjustment,
        adjustment_reason=adjustment_reason,
        rules=rules,
    )
    lines: list[dict] = []
    total = policy("quality.base_points")
    base = total
    lines.append({"label": "基础分", "points": total, "total": total})
    for item in items:
        if item.kind == "bonus":
            total += item.points
            lines.append({"label": f"加分：{item.label or '加分项'}", "points": item.points, "total": total})
    for kind in DEDUCTIONS:
        for item in items:
            if item.kind == kind:
                total -= item.points
                label = f"{KIND_LABELS[kind]}：{item.label or KIND_LABELS[kind]}"
                lines.append({"label": label, "points": -item.points, "total": total})
    mediums = sum(1 for item in items if item.kind == "medium")
    lights = sum(1 for item in items if item.kind == "light")
    medium_limit, light_limit = policy("quality.extra_medium_count"), policy("quality.extra_light_count")
    if mediums >= medium_limit or lights >= light_limit:
        extra = policy("quality.extra_points")
        total -= extra
        why = (
            f"中度违规{mediums}条（达到{medium_limit}条）"
            if mediums >= medium_limit
            else f"轻度违规{lights}条（达到{light_limit}条）"
        )
        lines.append({"label": f"追加扣分：{why}", "points": -extra, "total": total})
    if adjustment:
        total += adjustment
        label = f"额外奖惩：{adjustment_reason.strip()}"
        lines.append({"label": label, "points": adjustment, "total": total})
    maximum = policy("quality.max_points")
    if total > maximum:
        lines.append({"label": f"超过满分按{maximum}分计", "points": maximum - total, "total": maximum})
        total = maximum
    score = total
    lines.append({"label": "考核分", "points": None, "total": score})
    grade = grade_for(score, rules)
    no_grade = f"绩效等级：无（低于{policy('quality.grade_e_from')}分）"
    lines.append({"label": f"绩效等级：{grade}" if grade else no_grade, "points": None, "total": score})
    per_point, limit = policy("quality.pay_per_point"), policy("quality.pay_limit")
    pay = max(-limit, min(limit, (score - base) * per_point))
    free = policy("quality.pay_free_months")
    if joined_on is not None and months_employed(month=month, joined_on=joined_on) <= free:
        pay = 0
        pay_label = (
            f"工资浮动：0元（入职第{months_employed(month=month, joined_on=joined_on)}个月，"
            f"前{free}个月只评分不浮动）"
        )
    else:
        pay_label = f"工资浮动：({score}−{base})×{per_point}元，限±{limit}元 = {pay:+d}元"
    lines.append({"label": pay_label, "points": None, "total": score})
    reasons = []
    if grade is None and score < policy("quality.grade_e_from"):
        reasons.append(f"当月考核分{score}分，低于{policy('quality.grade_e_from')}分")
    for item in items:
        if item.kind == "dismissal":
            reasons.append(f"直接辞退项：{item.label or '直接辞退'}")
    if last_place_twice_below:
        reasons.append(f"连续两个月班组最后一名且评分低于{policy('quality.last_place_below')}分")
    if reasons:
        lines.append({"label": "解除合同提示：" + "；".join(reasons), "points": None, "total": score})
    return Result(
        score=score,
        grade=grade,
        pay_delta=pay,
        termination_flag=bool(reasons),
        termination_reasons=reasons,
        lines=lines,
    )
