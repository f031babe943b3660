"""Knowledge base and planned-outage API: the same services and permission helpers as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Status

from kefu.accounts.models import ServiceArea
from kefu.core.permissions import can, require
from kefu.core.schemas import Day, Moment, PageNumber, Schema
from kefu.knowledge import selectors, services
from kefu.knowledge.models import Article, PlannedOutage
from kefu.knowledge.permissions import get_article_for, get_outage_for

router = Router(tags=["知识库"])

PER_PAGE = 20


class ArticleRow(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    keywords: str
    published: bool
    version: int
    updated_at: datetime


class ArticleDetail(ArticleRow):
    body: str
    service_areas: list[str]
    valid_from: date | None
    valid_to: date | None
    author: str


class ArticlePage(Schema):
    query: str
    page: int
    has_next: bool
    results: list[ArticleRow]


class ArticleFilters(Schema):
    q: str = ""
    kind: str = ""
    area: str = ""
    page: PageNumber = 1


class ArticleIn(Schema):
    title: str
    kind: str
    body: str
    keywords: str = ""
    service_areas: list[str] = []
    published: bool = True
    valid_from: Day | None = None
    valid_to: Day | None = None


class ArticlePatch(Schema):
    title: str | None = None
    kind: str | None = None
    body: str | None = None
    keywords: str | None = None
    service_areas: list[str] | None = None
    published: bool | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None
    note: str = ""


class OutageOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    service_areas: list[str]
    affected_addresses: str
    starts_at: datetime
    ends_at: datetime
    window: str
    notice: str
    cancel_reason: str


class OutageFilters(Schema):
    area: str = ""
    at: Moment | None = None
    horizon_hours: int | None = None


class OutageIn(Schema):
    title: str
    kind: str = PlannedOutage.Kind.PLANNED
    reason: str
    service_areas: list[str]
    affected_addresses: str
    starts_at: Moment
    ends_at: Moment
    notice: str = ""


class CancelIn(Schema):
    reason: str


def article_row(article: Article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "kind": article.kind,
        "kind_label": article.get_kind_display(),
        "keywords": article.keywords,
        "published": article.published,
        "version": article.version,
        "updated_at": article.updated_at,
    }


def article_detail(article: Article) -> dict:
    return article_row(article) | {
        "body": article.body,
        "service_areas": [a.code for a in article.service_areas.all()],
        "valid_from": article.valid_from,
        "valid_to": article.valid_to,
        "author": str(article.author or "系统"),
    }


def outage_out(outage: PlannedOutage) -> dict:
    return {
        "id": outage.pk,
        "title": outage.title,
        "kind": outage.kind,
        "kind_label": outage.get_kind_display(),
        "status": outage.status,
        "status_label": outage.get_status_display(),
        "reason": outage.reason,
        "service_areas": [a.code for a in outage.service_areas.all()],
        "affected_addresses": outage.affected_addresses,
        "starts_at": outage.starts_at,
        "ends_at": outage.ends_at,
        "window": outage.window_display,
        "notice": outage.notice,
        "cancel_reason": outage.cancel_reason,
    }


def _area(code: str) -> ServiceArea | None:
    if not code:
        return None
    return services.areas_by_code([code], field="area")[0]


@router.get("/articles", response=ArticlePage, summary="查询知识条目")
def list_articles(request, filters: Query[ArticleFilters]):
    require(request.user, "knowledge.view_article")
    if filters.kind and filters.kind not in Article.Kind.values:
        raise ValidationError({"kind": f"分类只能是：{'、'.join(Article.Kind.values)}"})
    if not 1 <= filters.page <= 500:
        raise ValidationError({"page": "页码应为1至500之间的整数"})
    articles = selectors.search_articles(
        filters.q,
        kind=filters.kind or None,
        area=_area(filters.area),
        include_unpublished=can(request.user, "knowledge.change_article"),
    )
    start = (filters.page - 1) * PER_PAGE
    rows = list(articles[start : start + PER_PAGE + 1])
    return {
        "query": filters.q,
        "page": filters.page,
        "has_next": len(rows) > PER_PAGE,
        "results": [article_row(a) for a in rows[:PER_PAGE]],
    }


@router.get("/articles/{int:pk}", response=ArticleDetail, summary="知识条目")
def read_article(request, pk: int):
    article = get_article_for(request.user, pk)
    services.note_article_used(article)
    return article_detail(article)


@router.post("/articles", response={201: ArticleDetail}, summary="新建知识条目")
def create_article(request, payload: ArticleIn):
    require(request.user, "knowledge.view_article", "knowledge.add_article")
    data = payload.dict()
    data["service_areas"] = services.areas_by_code(data["service_areas"])
    article = services.create_article(actor=request.user, **data)
    return Status(201, article_detail(article))


@router.patch("/articles/{int:pk}", response=ArticleDetail, summary="修改知识条目（旧内容保留在修改记录中）")
def update_article(request, pk: int, payload: ArticlePatch):
    article = get_article_for(request.user, pk, write=True)
    data = payload.dict(exclude_unset=True)
    note = data.pop("note", "")
    if data.get("service_areas") is not None:
        data["service_areas"] = services.areas_by_code(data["service_areas"])
    for field in ("title", "kind", "body", "keywords", "published", "service_areas"):
        if field in data and data[field] is None:
            raise ValidationError({field: "不能为空"})
    article = services.update_article(actor=request.user, article=article, data=data, note=note)
    return article_detail(article)


@router.get("/outages", response=list[OutageOut], summary="停水信息：某片区当前及即将停水，或全市当前停水")
def list_outages(request, filters: Query[OutageFilters]):
    """With `area` (片区编码): that area's outages on at `at` or starting within `horizon_hours`
    (default 72), those on now first. Without: every outage on at `at` across the city."""
    require(request.user, "knowledge.view_plannedoutage")
    if filters.horizon_hours is not None and not 0 <= filters.horizon_hours <= 24 * 31:
        raise ValidationError({"horizon_hours": "提前时长应为0至744小时"})
    at = filters.at
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    area = _area(filters.area)
    if area is None:
        outages = selectors.current_outages(at)
    else:
        outages = selectors.outages_for_area(
            area, at=at, horizon_hours=filters.horizon_hours
        ).prefetch_related("service_areas")
    return [outage_out(o) for o in outages[:200]]


@router.get("/outages/{int:pk}", response=OutageOut, summary="停水信息")
def read_outage(request, pk: int):
    return outage_out(get_outage_for(request.user, pk))


@router.post("/outages", response={201: OutageOut}, summary="发布停水信息")
def create_outage(request, payload: OutageIn):
    require(request.user, "knowledge.view_plannedoutage", "knowledge.add_plannedoutage")
    data = payload.dict()
    data["service_areas"] = services.areas_by_code(data["service_areas"])
    outage = services.publish_outage(actor=request.user, **data)
    return Status(201, outage_out(outage))


@router.post("/outages/{int:pk}/cancel", response=OutageOut, summary="取消停水信息（须填写原因，记录保留）")
def cancel_outage(request, pk: int, payload: CancelIn):
    outage = get_outage_for(request.user, pk, write=True)
    return outage_out(services.cancel_outage(actor=request.user, outage=outage, reason=payload.reason))
