"""The caliber tables of the rules: replacement cycles by caliber range (ch.4 §4.1.1) and the
minimum stock per caliber. Both are text rules an administrator edits; these parse and check them."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from kefu.core.policies import policy


@dataclass(frozen=True)
class Cycle:
    low: int
    high: int
    years: int

    def covers(self, caliber_dn: int) -> bool:
        return self.low <= caliber_dn <= self.high

    def __str__(self):
        return f"DN{self.low}–{self.high} 每{self.years}年"


def parse_cycles(text: str) -> list[Cycle]:
    """ "15-25:6,40-50:4" → cycles; a Chinese ValidationError naming the bad part otherwise."""
    cycles: list[Cycle] = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        try:
            span, years = part.split(":")
            low, _, high = span.partition("-")
            cycle = Cycle(int(low), int(high or low), int(years))
        except ValueError:
            raise ValidationError(f"「{part}」应写成 口径下限-口径上限:年，如 15-25:6") from None
        if not (15 <= cycle.low <= cycle.high <= 600) or not (1 <= cycle.years <= 30):
            raise ValidationError(f"「{part}」：口径应在DN15–600之间且下限不大于上限，周期1–30年")
        for other in cycles:
            if cycle.low <= other.high and other.low <= cycle.high:
                raise ValidationError(f"「{part}」与「{other.low}-{other.high}」的口径范围重叠")
        cycles.append(cycle)
    if not cycles:
        raise ValidationError("至少填写一个口径范围的更换周期")
    return sorted(cycles, key=lambda c: c.low)


def check_cycles(text: str) -> None:
    parse_cycles(text)


def replacement_cycles() -> list[Cycle]:
    return parse_cycles(policy("meters.replacement_cycles"))


def cycle_for(caliber_dn: int, cycles: list[Cycle] | None = None) -> Cycle | None:
    """The cycle covering this caliber, or None: an unconfigured caliber is listed, never skipped."""
    for cycle in cycles if cycles is not None else replacement_cycles():
        if cycle.covers(caliber_dn):
            return cycle
    return None


def parse_minimum_stock(text: str) -> dict[int, int]:
    minimum: dict[int, int] = {}
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        try:
            caliber, count = (int(x) for x in part.split(":"))
        except ValueError:
            raise ValidationError(f"「{part}」应写成 口径:只数，如 15:100") from None
        if not (15 <= caliber <= 600) or count < 0:
            raise ValidationError(f"「{part}」：口径应在DN15–600之间，只数不小于0")
        if caliber in minimum:
            raise ValidationError(f"口径DN{caliber}写了两次")
        minimum[caliber] = count
    return minimum


def check_minimum_stock(text: str) -> None:
    parse_minimum_stock(text)


def minimum_stock() -> dict[int, int]:
    return parse_minimum_stock(policy("meters.min_stock"))
