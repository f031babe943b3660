"""Rules from the seed regulations, as data.

Each rule has a default here (the regulation's own number) and may be changed by an administrator
(a `Policy` row, edited in the admin). Read at call time, never cached at import, so a change takes
effect on the next request.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PolicyDefault:
    default: Any
    label: str
    source: str = ""


DEFAULTS: dict[str, PolicyDefault] = {
    "customers.cluster_min_households": PolicyDefault(
        20, "集群客户最少户数", "用水申请指南：20户以上为集群客户"
    ),
    "customers.arrears_tolerance_yuan": PolicyDefault(
        "0.00", "欠费校验容差（元）：欠费超过此数视为有欠费", "窗口工作制度：无欠费方可办理"
    ),
    "customers.search_min_digits": PolicyDefault(4, "按号码片段查询的最少位数"),
}


def get_policy(key: str) -> Any:
    from kefu.core.models import Policy

    if key not in DEFAULTS:
        raise KeyError(f"unknown policy {key!r}")
    row = Policy.objects.filter(key=key).values_list("value", flat=True).first()
    return DEFAULTS[key].default if row is None else row


def get_decimal_policy(key: str) -> Decimal:
    return Decimal(str(get_policy(key)))
