"""Reads shared by the knowledge pages, the agent workspace panel and the API."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import and_, or_

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from kefu.core.events import events_for, verb_label
from kefu.core.policies import get_policy
from kefu.knowledge.events import PAIRED
from kefu.knowledge.models import Article, PlannedOutage

# How far ahead an announced stop is worth mentioning to a caller. Callers ask "is the water going
# off?" a day or two before; a week ahead it is noise on the agent's screen. An argument, not a
# constant read inside, so a caller (or, later, a policy row) can ask for another horizon.

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words that say nothing about the topic: left out when a sentence is split into words.
_STOP_WORDS = {
    "怎么",
    "怎样",
    "如何",
    "什么",
    "多少",
    "请问",
    "一下",
    "可以",
    "需要",
    "是否",
    "我们",
    "你们",
    "这个",
    "那个",
    "哪里",
    "的话",
}


def _matches(term: str) -> Q:
    return Q(title__icontains=term) | Q(keywords__icontains=term) | Q(body__icontains=term)


def _score(terms: list[str]):
    # A match in the title counts most, then the keywords, then the body: cheap relevance that the
    # database computes for a few thousand rows without a full-text index.
    parts = [
        Case(
            When(title__icontains=t, then=Value(4)),
            When(keywords__icontains=t, then=Value(2)),
            When(body__icontains=t, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for t in terms
    ]
    return reduce(lambda a, b: a + b, parts)


def words(query: str) -> list[str]:
    """A caller's sentence as search words: 居民阶梯水价怎么算 → 居民, 阶梯, 水价, …"""
    import jieba

    found = []
    for token in jieba.cut_for_search(query):
        token = token.strip()
        if len(token) >= 2 and token not in _STOP_WORDS and token not in found:
            found.append(token)
    return found


def search_articles(
    query: str,
    *,
    kind: str | None = None,
    area=None,
    include_unpublished: bool = False,
    day=None,
) -> QuerySet[Article]:
    """Articles whose title, keywords or body contain every word of the query, best match first.

    When the words typed do not all appear (agents type a caller's whole sentence: 阶梯水价怎么收),
    the sentence is split into words with jieba and any of them may match, ranked by how many and
    where. `icontains` over a few thousand articles is a few milliseconds; no index needed.
    Without a query: the most used first, which is what the agent most probably wants."""
    articles = Article.objects.all() if include_unpublished else Article.objects.in_force(day)
    if kind:
        articles = articles.filter(kind=kind)
    if area is not None:
        articles = articles.for_area(area)
    query = (query or "").replace("\x00", "").strip()[:100]
    if not query:
        return articles.order_by("-use_count", "-updated_at", "-id")
    terms = query.split()
    found = articles.filter(reduce(and_, (_matches(t) for t in terms)))
    if _CJK.search(query) and not found.exists():
        tokens = words(query) or terms
        terms = tokens
        found = articles.filter(reduce(or_, (_matches(t) for t in tokens)))
    return found.annotate(score=_score(terms)).order_by("-score", "-use_count", "-id")


def outages_for_area(
    service_area, *, at: datetime | None = None, horizon_hours: int | None = None
) -> QuerySet[PlannedOutage]:
    """Published outages in the area that are on at `at` (default now) or start within the next
    `horizon_hours` (default: the policy knowledge.outage_lookahead_hours, 72). Those on now come
    first, then the soonest to start."""
    at = at or timezone.now()
    if horizon_hours is None:
        horizon_hours = int(get_policy("knowledge.outage_lookahead_hours"))
    return (
        PlannedOutage.objects.published()
        .filter(
            service_areas=service_area, ends_at__gt=at, starts_at__lte=at + timedelta(hours=horizon_hours)
        )
        .annotate(
            is_upcoming=Case(
                When(starts_at__lte=at, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("is_upcoming", "starts_at", "id")
    )


def current_outages(at: datetime | None = None) -> QuerySet[PlannedOutage]:
    """Every published outage on at `at` (default now), across the city, soonest to end first."""
    at = at or timezone.now()
    return PlannedOutage.objects.current(at).prefetch_related("service_areas").order_by("ends_at", "id")


TABS = {"current": "停水中", "upcoming": "即将停水", "past": "已结束/已取消"}


def outages_tab(tab: str, *, at: datetime | None = None) -> QuerySet[PlannedOutage]:
    at = at or timezone.now()
    if tab == "upcoming":
        rows = PlannedOutage.objects.upcoming(at).order_by("starts_at", "id")
    elif tab == "past":
        rows = PlannedOutage.objects.past(at).order_by("-starts_at", "-id")
    else:
        rows = PlannedOutage.objects.current(at).order_by("ends_at", "id")
    return rows.prefetch_related("service_areas")


FIELD_LABELS = {
    "title": "标题",
    "kind": "分类",
    "body": "正文",
    "keywords": "关键词",
    "published": "已发布",
    "valid_from": "生效日期",
    "valid_to": "失效日期",
    "service_areas": "片区",
    "version": "版本",
    "reason": "停水原因",
    "affected_addresses": "影响范围",
    "starts_at": "停水开始",
    "ends_at": "预计恢复供水",
    "notice": "答复口径",
    "status": "状态",
}
LONG_FIELDS = {"body", "notice", "reason", "affected_addresses"}


@dataclass
class Change:
    label: str
    old: object
    new: object
    long: bool


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    changes: list[Change]
    note: str


def _shown(key: str, value):
    if key == "service_areas":
        return "、".join(value) if value else "全市"
    if key == "kind":
        labels = dict(Article.Kind.choices) | dict(PlannedOutage.Kind.choices)
        return labels.get(value, value)
    if key == "status":
        return dict(PlannedOutage.Status.choices).get(value, value)
    if key in ("starts_at", "ends_at") and isinstance(value, str):
        # stored as the UTC text of the datetime; shown as the Beijing time the agents speak in
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return "（空）" if value in (None, "") else value


def history_for(target, limit: int = 50) -> list[HistoryLine]:
    """The change log in words; long texts (an article's old body) are shown whole, not shortened."""
    lines = []
    for event in events_for(target)[:limit]:
        changes = []
        for key, value in event.changes.items():
            paired = event.verb in PAIRED and isinstance(value, list) and len(value) == 2
            old, new = value if paired else (None, value)
            changes.append(
                Change(
                    FIELD_LABELS.get(key, key),
                    _shown(key, old) if paired else None,
                    _shown(key, new),
                    key in LONG_FIELDS,
                )
            )
        lines.append(
            HistoryLine(
                event.occurred_at,
                str(event.actor or "系统"),
                verb_label(event.verb),
                changes,
                event.note,
            )
        )
    return lines
