"""Every write to the knowledge base and the planned outages, each with its event in one transaction.

Validation lives here, not in the forms, so that the pages and the API refuse the same input with
the same Chinese message, keyed by field name (kefu.api turns a ValidationError into a 400).
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu.accounts.models import ServiceArea
from kefu.core.events import diff
from kefu.knowledge.events import (
    article_created_event,
    article_updated_event,
    outage_cancelled_event,
    outage_published_event,
    outage_updated_event,
)
from kefu.knowledge.models import Article, PlannedOutage, window_display

ARTICLE_FIELDS = ("title", "kind", "body", "keywords", "published", "valid_from", "valid_to")
OUTAGE_FIELDS = ("title", "kind", "reason", "affected_addresses", "starts_at", "ends_at", "notice")


class Errors:
    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def areas_by_code(codes: Iterable[str], *, field: str = "service_areas") -> list[ServiceArea]:
    """Service areas named by code (as the API takes them); unknown codes are named in the error."""
    codes = [c.strip() for c in codes if c and c.strip()]
    found = {a.code: a for a in ServiceArea.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({field: f"片区编码不存在：{'、'.join(unknown)}"})
    return [found[c] for c in dict.fromkeys(codes)]


# Articles


def _clean_article(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    cleaned = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors.add("title", "请填写标题")
    elif len(title) > 200:
        errors.add("title", "标题不能超过200个字符")
    cleaned["title"] = title
    kind = data.get("kind") or ""
    if kind not in Article.Kind.values:
        errors.add("kind", f"分类只能是：{'、'.join(str(label) for label in Article.Kind.labels)}")
    cleaned["kind"] = kind
    body = (data.get("body") or "").strip()
    if not body:
        errors.add("body", "请填写正文")
    cleaned["body"] = body
    keywords = " ".join((data.get("keywords") or "").replace("，", " ").replace(",", " ").split())
    if len(keywords) > 300:
        errors.add("keywords", "关键词不能超过300个字符")
    cleaned["keywords"] = keywords
    cleaned["published"] = bool(data.get("published", True))
    cleaned["valid_from"] = data.get("valid_from") or None
    cleaned["valid_to"] = data.get("valid_to") or None
    if cleaned["valid_from"] and cleaned["valid_to"] and cleaned["valid_to"] < cleaned["valid_from"]:
        errors.add("valid_to", "失效日期不能早于生效日期")
    return cleaned


def _area_codes(areas) -> list[str]:
    return sorted(a.code for a in areas)


@transaction.atomic
def create_article(
    *,
    actor,
    title: str,
    kind: str,
    body: str,
    keywords: str = "",
    service_areas: Iterable[ServiceArea] = (),
    published: bool = True,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Article:
    errors = Errors()
    cleaned = _clean_article(
        {
            "title": title,
            "kind": kind,
            "body": body,
            "keywords": keywords,
            "published": published,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
        errors,
    )
    errors.raise_if_any()
    article = Article.objects.create(author=actor if getattr(actor, "pk", None) else None, **cleaned)
    areas = list(service_areas)
    article.service_areas.set(areas)
    article_created_event(
        actor=actor,
        article=article,
        changes={
            **{k: _plain(v) for k, v in cleaned.items()},
            "service_areas": _area_codes(areas),
            "version": 1,
        },
    )
    return article


@transaction.atomic
def update_article(*, actor, article: Article, data: dict[str, Any], note: str = "") -> Article:
    """Change an article. Every edit raises the version; the event keeps the old values, the old body
    included in full, so any earlier text can be read again (and read out as it was on a given day)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    errors = Errors()
    current = {f: getattr(article, f) for f in ARTICLE_FIELDS}
    cleaned = _clean_article(current | {k: v for k, v in data.items() if k in ARTICLE_FIELDS}, errors)
    errors.raise_if_any()
    changes = diff(article, cleaned)
    old_areas = list(article.service_areas.all())
    if "service_areas" in data:
        new_areas = list(data["service_areas"])
        if _area_codes(new_areas) != _area_codes(old_areas):
            changes["service_areas"] = [_area_codes(old_areas), _area_codes(new_areas)]
            article.service_areas.set(new_areas)
    if not changes:
        return article
    for field, value in cleaned.items():
        setattr(article, field, value)
    changes["version"] = [article.version, article.version + 1]
    article.version += 1
    article.save()
    article_updated_event(actor=actor, article=article, changes=changes, note=note)
    return article


def note_article_used(article: Article) -> None:
    """Count one reading. Not an event: nothing about the article changes, and a busy hotline would
    fill the log with reads. A single UPDATE, so concurrent readers never lose a count."""
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)


# Planned outages


def default_notice(*, reason: str, areas: Iterable[ServiceArea], affected: str, starts_at, ends_at) -> str:
    """The answer agents read when the publisher wrote none: when, where, why, and what to do."""
    area_names = "、".join(a.name for a in areas)
    return (
        f"您好，因{reason.strip().rstrip('。')}，{window_display(starts_at, ends_at)}，"
        f"{area_names}（{affected.strip()}）将暂停供水，请您提前做好储水准备。"
        "恢复供水初期水质可能浑浊，请放水片刻后再使用。给您带来不便，敬请谅解。"
    )


def _clean_outage(data: dict[str, Any], areas: list[ServiceArea], errors: Errors) -> dict[str, Any]:
    cleaned = {}
    for field, label, limit in (("title", "标题", 200), ("reason", "停水原因", None)):
        value = (data.get(field) or "").strip()
        if not value:
            errors.add(field, f"请填写{label}")
        elif limit and len(value) > limit:
            errors.add(field, f"{label}不能超过{limit}个字符")
        cleaned[field] = value
    cleaned["affected_addresses"] = (data.get("affected_addresses") or "").strip()
    if not cleaned["affected_addresses"]:
        errors.add("affected_addresses", "请填写影响范围（街道、小区）")
    kind = data.get("kind") or PlannedOutage.Kind.PLANNED
    if kind not in PlannedOutage.Kind.values:
        errors.add("kind", "停水类型只能是：计划检修、抢修停水")
    cleaned["kind"] = kind
    if not areas:
        errors.add("service_areas", "请至少选择一个停水片区")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    for field, value, label in (
        ("starts_at", starts_at, "停水开始时间"),
        ("ends_at", ends_at, "预计恢复供水时间"),
    ):
        if value is None:
            errors.add(field, f"请填写{label}")
        elif not isinstance(value, datetime):
            errors.add(field, f"{label}格式有误")
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime):
        starts_at, ends_at = _aware(starts_at), _aware(ends_at)
        if ends_at <= starts_at:
            errors.add("ends_at", "预计恢复供水时间必须晚于停水开始时间")
    cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
    cleaned["notice"] = (data.get("notice") or "").strip()
    return cleaned


def _aware(value: datetime) -> datetime:
    # A time typed without a zone is Beijing time, as the agents and the branches mean it.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def publish_outage(
    *,
    actor,
    title: str,
    reason: str,
    service_areas: Iterable[ServiceArea],
    affected_addresses: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    kind: str = PlannedOutage.Kind.PLANNED,
    notice: str = "",
) -> PlannedOutage:
    areas = list(service_areas)
    errors = Errors()
    cleaned = _clean_outage(
        {
            "title": title,
            "reason": reason,
            "affected_addresses": affected_addresses,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "kind": kind,
            "notice": notice,
        },
        areas,
        errors,
    )
    errors.raise_if_any()
    if not cleaned["notice"]:
        cleaned["notice"] = default_notice(
            reason=cleaned["reason"],
            areas=areas,
            affected=cleaned["affected_addresses"],
            starts_at=cleaned["starts_at"],
            ends_at=cleaned["ends_at"],
        )
    outage = PlannedOutage.objects.create(created_by=actor if getattr(actor, "pk", None) else None, **cleaned)
    outage.service_areas.set(areas)
    outage_published_event(
        actor=actor,
        outage=outage,
        changes={**{k: _plain(v) for k, v in cleaned.items()}, "service_areas": _area_codes(areas)},
    )
    return outage


@transaction.atomic
def update_outage(*, actor, outage: PlannedOutage, data: dict[str, Any], note: str = "") -> PlannedOutage:
    """Correct a published outage (a later end, more streets). The old values stay in the event."""
    outage = PlannedOutage.objects.select_for_update().get(pk=outage.pk)
    if outage.status == PlannedOutage.Status.CANCELLED:
        raise ValidationError({"status": "该停水信息已取消，不能再修改"})
    old_areas = list(outage.service_areas.all())
    areas = list(data["service_areas"]) if "service_areas" in data else old_areas
    errors = Errors()
    current = {f: getattr(outage, f) for f in OUTAGE_FIELDS}
    cleaned = _clean_outage(current | {k: v for k, v in data.items() if k in OUTAGE_FIELDS}, areas, errors)
    errors.raise_if_any()
    if not cleaned["notice"]:
        cleaned["notice"] = outage.notice
    changes = diff(outage, cleaned)
    if _area_codes(areas) != _area_codes(old_areas):
        changes["service_areas"] = [_area_codes(old_areas), _area_codes(areas)]
        outage.service_areas.set(areas)
    if not changes:
        return outage
    for field, value in cleaned.items():
        setattr(outage, field, value)
    outage.save()
    outage_updated_event(actor=actor, outage=outage, changes=changes, note=note)
    return outage


@transaction.atomic
def cancel_outage(*, actor, outage: PlannedOutage, reason: str) -> PlannedOutage:
    """Call off an announced stop. The row stays (callers may still ask about it); only its status changes."""
    outage = PlannedOutage.objects.select_for_update().get(pk=outage.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    if outage.status == PlannedOutage.Status.CANCELLED:
        raise ValidationError({"status": "该停水信息已经取消"})
    outage.status = PlannedOutage.Status.CANCELLED
    outage.cancelled_at = timezone.now()
    outage.cancel_reason = reason
    outage.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    outage_cancelled_event(
        actor=actor,
        outage=outage,
        changes={"status": [PlannedOutage.Status.PUBLISHED, PlannedOutage.Status.CANCELLED]},
        note=reason,
    )
    return outage


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
