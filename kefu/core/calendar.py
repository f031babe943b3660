"""China's working-day calendar (W2): statutory holidays and the adjusted working weekends (调休).

Sources, most authoritative first:
1. `CalendarDay` rows an administrator entered (local overrides, and the next year's arrangement
   before any package knows it);
2. the `chinesecalendar` package for the years it covers;
3. nothing: only weekends are known. Every answer from such a day carries a warning, so a deadline
   is never silently computed on a weekends-only guess.

Convention: N working days from a moment on day D end at 23:59:59 Asia/Shanghai on the N-th working
day after D; D itself does not count, whether or not it is a working day.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
MAX_SPAN_DAYS = 3660  # a deadline further than ten years out is a mistake, not a plan


@dataclass(frozen=True)
class DayInfo:
    date: date
    working: bool
    reason: str
    source: str  # "override" | "official" | "weekend_only"
    # A day off by the holiday arrangement (国庆节放假…, or one set on the calendar page), not an ordinary
    # weekend: the rules that speak of 节假日 (no leave or swaps, holiday shifts shared fairly) mean these.
    holiday: bool = False

    @property
    def known(self) -> bool:
        return self.source != "weekend_only"


@dataclass
class Deadline:
    start: datetime
    deadline: datetime
    warnings: list[str] = field(default_factory=list)

    @property
    def deadline_date(self) -> date:
        return self.deadline.astimezone(SHANGHAI).date()


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """First and last year the installed chinesecalendar package has data for."""
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


class WorkingCalendar:
    """A snapshot of the overrides, so that counting many days costs two queries, not one per day."""

    def __init__(self):
        from kefu.core.models import CalendarDay, CalendarYear

        self.overrides = {row.date: row for row in CalendarDay.objects.filter(active=True)}
        self.complete_years = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))

    def day(self, day: date) -> DayInfo:
        override = self.overrides.get(day)
        if override is not None:
            working = override.kind == override.Kind.WORKDAY
            what = "调休上班" if working else "放假"
            return DayInfo(
                day, working, f"{override.name}{what}（本地设置）", "override", holiday=not working
            )
        first, last = package_years()
        weekend = day.weekday() >= 5
        if first <= day.year <= last:
            working, name = chinese_calendar.get_holiday_detail(day)
            working = not working
            if name:
                label = _HOLIDAY_NAMES.get(name, name)
                return DayInfo(
                    day,
                    working,
                    f"{label}{'调休上班' if working else '放假'}",
                    "official",
                    holiday=not working,
                )
            return DayInfo(day, working, "周末" if weekend else "工作日", "official")
        if day.year in self.complete_years:
            return DayInfo(day, not weekend, "周末" if weekend else "工作日", "override")
        return DayInfo(
            day,
            not weekend,
            f"{day.year}年节假日安排尚未录入，仅按{'周末' if weekend else '周一至周五'}推算",
            "weekend_only",
        )

    def add_working_days(self, start: datetime, working_days: int) -> Deadline:
        if working_days < 0:
            raise ValueError("工作日数不能为负数")
        start = _aware(start)
        day = start.astimezone(SHANGHAI).date()
        counted, guessed = 0, set()
        for _step in range(MAX_SPAN_DAYS):
            if counted == working_days:
                break
            day += timedelta(days=1)
            info = self.day(day)
            if not info.known:
                guessed.add(day.year)
            if info.working:
                counted += 1
        else:
            raise ValueError("期限超出可计算范围")
        deadline = datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)
        return Deadline(start, deadline, _missing_year_warnings(guessed))

    def add_hours(self, start: datetime, hours: float) -> Deadline:
        if hours < 0:
            raise ValueError("小时数不能为负数")
        start = _aware(start)
        return Deadline(start, (start + timedelta(hours=hours)).astimezone(SHANGHAI))

    def year(self, year: int) -> list[DayInfo]:
        day, days = date(year, 1, 1), []
        while day.year == year:
            days.append(self.day(day))
            day += timedelta(days=1)
        return days

    def year_is_known(self, year: int) -> bool:
        first, last = package_years()
        return first <= year <= last or year in self.complete_years


def _aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=SHANGHAI)
    return moment


def _missing_year_warnings(years: set[int]) -> list[str]:
    return [
        f"警告：{year}年的法定节假日和调休安排尚未录入，期限仅按周末推算，可能有误。"
        "请管理员在“工作日历”中录入该年安排。"
        for year in sorted(years)
    ]


def is_working_day(day: date) -> DayInfo:
    return WorkingCalendar().day(day)


def add_working_days(start: datetime, working_days: int) -> Deadline:
    return WorkingCalendar().add_working_days(start, working_days)


def add_hours(start: datetime, hours: float) -> Deadline:
    return WorkingCalendar().add_hours(start, hours)
