"""Fetch an article or an outage only if the user may see (or change) it: one helper for pages and API."""

from django.http import Http404

from kefu.core.permissions import require
from kefu.knowledge.models import Article, PlannedOutage


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def get_article_for(user, pk, *, write: bool = False) -> Article:
    require(user, "knowledge.view_article")
    if write:
        require(user, "knowledge.change_article")
    article = Article.objects.select_related("author").filter(pk=_int(pk)).first()
    # Drafts and expired articles are for the editors; an agent must not read them to a caller.
    if article is None or (
        not user.has_perm("knowledge.change_article")
        and not Article.objects.in_force().filter(pk=article.pk).exists()
    ):
        raise Http404("知识条目不存在或未发布")
    return article


def get_outage_for(user, pk, *, write: bool = False) -> PlannedOutage:
    require(user, "knowledge.view_plannedoutage")
    if write:
        require(user, "knowledge.change_plannedoutage")
    outage = PlannedOutage.objects.select_related("created_by").filter(pk=_int(pk)).first()
    if outage is None:
        raise Http404("停水信息不存在")
    return outage
