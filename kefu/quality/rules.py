"""Reading the quality rules that are small tables in text (a points range "1-5", the emergency tiers
"10:5,30:10,*:20"): parsed here, checked when an administrator saves them (the rules' `check`)."""

from django.core.exceptions import ValidationError

from kefu.core.policies import policy

KIND_RULES = {
    "bonus": "quality.bonus_points",
    "light": "quality.light_points",
    "medium": "quality.medium_points",
    "severe": "quality.severe_points",
    "dismissal": "quality.dismissal_points",
}


def parse_range(text: str) -> tuple[int, int]:
    """ "1-5" → (1, 5); "10" → (10, 10). ValueError when it is not one."""
    low_text, dash, high_text = (part.strip() for part in str(text).partition("-"))
    if not dash:
        high_text = low_text
    if not (low_text.isdigit() and high_text.isdigit()):
        raise ValueError(text)
    low, high = int(low_text), int(high_text)
    if low > high:
        raise ValueError(text)
    return low, high


def check_range(value: str) -> None:
    try:
        parse_range(value)
    except ValueError:
        raise ValidationError("分值范围写作“最低-最高”，例如 1-5；只有一个分值时写一个数，例如 10") from None


def points_range(kind: str) -> tuple[int, int]:
    """The range a line of `kind` (bonus, light, medium, severe, dismissal) may take, by the rules."""
    return parse_range(policy(KIND_RULES[kind]))


def parse_emergency_tiers(text: str) -> list[tuple[int | None, int]]:
    """ "10:5,30:10,*:20" → [(10, 5), (30, 10), (None, 20)]: late up to 10 minutes costs 5, up to 30
    costs 10, more costs 20. The upper bounds rise; "*" (any more) comes last, at most once."""
    tiers: list[tuple[int | None, int]] = []
    for part in str(text).split(","):
        bound, _sep, points = part.strip().partition(":")
        bound, points = bound.strip(), points.strip()
        if not points.isdigit():
            raise ValueError(text)
        if bound == "*":
            tiers.append((None, int(points)))
            continue
        if not bound.isdigit() or (tiers and (tiers[-1][0] is None or tiers[-1][0] >= int(bound))):
            raise ValueError(text)
        tiers.append((int(bound), int(points)))
    if not tiers:
        raise ValueError(text)
    return tiers


def check_emergency_tiers(value: str) -> None:
    try:
        parse_emergency_tiers(value)
    except ValueError:
        raise ValidationError(
            "写作“超时分钟上限:扣分”，逗号分隔，上限递增，最后可用 * 表示以上，例如 10:5,30:10,*:20"
        ) from None


def emergency_late_points(minutes: int) -> int:
    """The deduction for handling an emergency `minutes` late (0 when not late); past the last bounded
    tier without a "*" tier, the last tier's points."""
    if minutes <= 0:
        return 0
    tiers = parse_emergency_tiers(policy("quality.emergency_late_tiers"))
    for bound, points in tiers:
        if bound is None or minutes <= bound:
            return points
    return tiers[-1][1]
