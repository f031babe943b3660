"""This subject's part of the inspection demo (runs first among the inspection demos): this year's patrol
plan for the demo service areas × the seven target types of 第四条(一) — hydrants and estates monthly,
building sites twice a month, public bodies and factories every other month, hotels and markets
quarterly — drafted by inspector1 and approved by the director, and the patrols done in the months so far
by pairs of inspector1..3 (the second area by code, 城东 in the demo, behind plan last month, so the plan
page shows red). Through the services; idempotent (a year that has its plan is left alone)."""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role, ServiceArea, User
from kefu.inspection.models import PatrolPlan, TargetType
from kefu.inspection.services import patrols as services

# Monthly counts for each target type (12 months).
COUNTS = {
    TargetType.HYDRANT: [1] * 12,
    TargetType.CONSTRUCTION: [2] * 12,
    TargetType.PUBLIC_BODY: [1, 0] * 6,
    TargetType.ESTATE: [1] * 12,
    TargetType.FACTORY: [1, 0] * 6,
    TargetType.HOTEL: [0, 1, 0] * 4,
    TargetType.MARKET: [1, 0, 0] * 4,
}
PLACES = {
    TargetType.HYDRANT: [
        "{area}主干道沿线公共消火栓",
        "{area}老城区街巷消火栓",
        "{area}学校、医院周边消火栓",
    ],
    TargetType.CONSTRUCTION: ["{area}地铁站施工工地", "{area}安置房二期工地", "{area}道路改造工程工地"],
    TargetType.PUBLIC_BODY: ["{area}环卫所洒水车取水点", "{area}园林绿化养护站", "{area}市政道路养护所"],
    TargetType.ESTATE: ["{area}阳光花园小区", "{area}锦绣家园小区", "{area}翠苑新村"],
    TargetType.FACTORY: ["{area}工业园区食品厂", "{area}纺织印染厂", "{area}机械加工厂"],
    TargetType.HOTEL: ["{area}维景大酒店", "{area}商务宾馆", "{area}快捷酒店"],
    TargetType.MARKET: ["{area}农贸市场", "{area}蔬菜批发市场", "{area}水产市场"],
}
FINDINGS = {
    TargetType.HYDRANT: "一处消火栓铅封破损，疑似被擅自启用，已拍照并报稽查立案",
    TargetType.CONSTRUCTION: "工地临时用水未装表，已告知到营业窗口办理临时用水手续",
    TargetType.ESTATE: "地下车库有私接洗车水管，已要求物业限期拆除",
}


def _people():
    by_name = {
        u.username: u
        for u in User.objects.filter(username__in=["inspector1", "inspector2", "inspector3", "director"])
    }
    inspectors = [
        by_name[n]
        for n in ("inspector1", "inspector2", "inspector3")
        if n in by_name and by_name[n].is_active and by_name[n].role == Role.FIELD_INSPECTOR
    ]
    director = by_name.get("director")
    return inspectors, director


def _days(year: int, month: int, count: int, offset: int, last: date) -> list[date]:
    """`count` days spread over the month (shifted by the area's offset), none after `last`."""
    length = calendar.monthrange(year, month)[1]
    days = []
    for k in range(count):
        day = min(length, max(1, (k + 1) * length // (count + 1) + offset - 2))
        when = date(year, month, day)
        if when.weekday() == 6:  # not on a Sunday
            when = date(year, month, max(1, day - 1))
        if when <= last:
            days.append(when)
    return days


def seed(options) -> list[str]:
    inspectors, director = _people()
    areas = list(ServiceArea.objects.filter(active=True).order_by("code")[:6])
    if len(inspectors) < 2 or director is None or not areas:
        return ["巡查：缺少稽查员、中心主任或服务片区，跳过巡查计划演示数据"]
    today = timezone.localdate()
    year = today.year
    if PatrolPlan.objects.filter(year=year).exists():
        return [f"巡查：{year}年巡查年度计划已存在"]
    pairs = [
        (inspectors[i % len(inspectors)], inspectors[(i + 1) % len(inspectors)])
        for i in range(len(inspectors))
    ]
    behind_month = today.month - 1  # last month, one area behind plan
    recorded = 0
    with transaction.atomic():
        lines = [
            services.Line(area, code, month, counts[month - 1])
            for area in areas
            for code, counts in COUNTS.items()
            for month in range(1, 13)
        ]
        plan = services.draft_plan(
            actor=inspectors[0],
            year=year,
            lines=lines,
            note="按中心领导要求，各片区消火栓、物业小区每月巡查，基建工地每月两次，公益单位、工矿企业隔月验证，酒店、农贸市场每季度验证一次",
        )
        plan = services.approve_plan(actor=director, plan=plan)
        for n, area in enumerate(areas):
            for code, counts in COUNTS.items():
                for month in range(1, today.month + 1):
                    planned = counts[month - 1]
                    if month == today.month:
                        planned = planned * today.day // calendar.monthrange(year, month)[1]
                    elif (
                        n == 1
                        and month == behind_month
                        and code in (TargetType.HYDRANT, TargetType.CONSTRUCTION)
                    ):
                        planned -= 1  # the second area fell behind last month
                    for k, day in enumerate(_days(year, month, planned, n, today)):
                        pair = pairs[(n + month + k) % len(pairs)]
                        places = PLACES[code][(month + k) % 3].format(area=area.name.removesuffix("片区"))
                        finding = FINDINGS.get(code, "") if (month + n + k) % 7 == 0 else ""
                        services.record_patrol(
                            actor=pair[0],
                            area=area,
                            target_type=code,
                            patrolled_on=day,
                            inspectors=pair,
                            places=places,
                            findings=finding or "未发现违章用水",
                        )
                        recorded += 1
    return [f"巡查：{year}年巡查年度计划（{len(areas)}个片区，已批准），已登记巡查{recorded}次"]
