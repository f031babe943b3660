"""The knowledge base's verbs (articles and planned outages), and one constructor per event."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class KnowledgeEvents(EventVerbs):
    ARTICLE_CREATED = "article.created", _("新建")
    ARTICLE_UPDATED = "article.updated", _("修改")
    OUTAGE_PUBLISHED = "outage.published", _("发布")
    OUTAGE_UPDATED = "outage.updated", _("修改")
    OUTAGE_CANCELLED = "outage.cancelled", _("取消")


# The verbs whose changes are [old, new] pairs; the others carry the values as entered.
PAIRED = {KnowledgeEvents.ARTICLE_UPDATED, KnowledgeEvents.OUTAGE_UPDATED, KnowledgeEvents.OUTAGE_CANCELLED}


def article_created_event(*, actor, article, changes: dict[str, Any]):
    return record_event(actor=actor, target=article, verb=KnowledgeEvents.ARTICLE_CREATED, changes=changes)


def article_updated_event(*, actor, article, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=article, verb=KnowledgeEvents.ARTICLE_UPDATED, changes=changes, note=note
    )


def outage_published_event(*, actor, outage, changes: dict[str, Any]):
    return record_event(actor=actor, target=outage, verb=KnowledgeEvents.OUTAGE_PUBLISHED, changes=changes)


def outage_updated_event(*, actor, outage, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=outage, verb=KnowledgeEvents.OUTAGE_UPDATED, changes=changes, note=note
    )


def outage_cancelled_event(*, actor, outage, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=outage, verb=KnowledgeEvents.OUTAGE_CANCELLED, changes=changes, note=note
    )
