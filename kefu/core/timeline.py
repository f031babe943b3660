"""A customer's whole relationship on one timeline (A2, issue 13 point 2; 002 客户管理制度 §3–4: every
interaction is recorded in the archive).

Core knows no domain, so each app contributes its part through the registry
(`platform.register_app(self, timeline=<module>.customer_timeline)`): a *source* is a function

    source(customer, user, *, kinds: set[str], limit: int) -> iterable of TimelineEntry

declared with `@timeline_source(TimelineKind(...), ...)` so that the archive page can offer a filter by
kind. A source

- applies its own app's visibility rule for `user` (the hotline's `visible_to`, the counter's
  `visible_processes`, a permission for payments): an entry the viewer could not open is not shown;
- returns only the kinds asked for, and at most `limit` entries of each query it runs, newest first:
  paging merges the sources' newest rows, so a customer with ten thousand contacts costs one bounded
  query per kind, never a read of them all;
- keeps phone and ID numbers masked (`customers.masking.Masker`) wherever it quotes them.

`customer_timeline(customer, user, kinds=…, page=…)` is the merge: the caller has already checked that
the user may see the customer (`customers.permissions.get_customer_for`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kefu.core.registry import platform

PER_PAGE = 20
# Deeper than anyone reads a timeline on screen (50 pages of 20): each page asks every source for its
# newest page × 20 rows, so the depth is bounded here rather than by a customer's history.
MAX_PAGE = 50


@dataclass(frozen=True)
class TimelineKind:
    code: str
    label: str
    order: int  # its place in the page's filter
    # Who may see entries of this kind at all (the source's own permission check); None: whoever may
    # see the customer. The filter offers a viewer only the kinds they may see.
    visible: Callable[[Any], bool] | None = None

    def visible_to(self, user) -> bool:
        return self.visible is None or self.visible(user)

    def entry(self, *, at: datetime, summary: str, actor: str = "", url: str = "") -> "TimelineEntry":
        """An entry of this kind."""
        return TimelineEntry(
            at=at, kind=self.code, kind_label=self.label, summary=summary, actor=actor, url=url
        )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    kind_label: str
    summary: str
    actor: str = ""
    url: str = ""


def timeline_source(*kinds: TimelineKind) -> Callable:
    """Mark a function as a timeline source offering these kinds (read by the kind filter)."""

    def mark(function: Callable) -> Callable:
        function.timeline_kinds = kinds
        return function

    return mark


def timeline_kinds(user=None) -> list[TimelineKind]:
    """Every kind the registered sources offer (those `user` may see, when given), in the filter's order."""
    kinds = [kind for source in platform.timeline_sources for kind in _kinds_of(source)]
    if user is not None:
        kinds = [kind for kind in kinds if kind.visible_to(user)]
    return sorted(kinds, key=lambda kind: (kind.order, kind.code))


@dataclass
class TimelinePage:
    """One page of the timeline, for `{% pager page %}` (page and has_next, like the keyset pages)."""

    entries: list[TimelineEntry]
    page: int
    has_next: bool
    kinds: list[TimelineKind] = field(default_factory=list)
    kind: str = ""  # the filter chosen, "" for every kind

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def customer_timeline(
    customer, user, *, kinds: Iterable[str] | None = None, page: int = 1, per_page: int = PER_PAGE
) -> TimelinePage:
    """The customer's entries that `user` may see, newest first, `page` of `per_page` (at most MAX_PAGE).
    `kinds` narrows to those kind codes (unknown codes are ignored); None is every kind."""
    page = min(max(int(page), 1), MAX_PAGE)
    wanted = page * per_page + 1  # one more than this page's end tells whether there is a next page
    chosen = None if kinds is None else set(kinds)
    entries: list[TimelineEntry] = []
    for source in platform.timeline_sources:
        # A kind the viewer may not see is not asked for at all (the source checks again, by its rule).
        offered = {kind.code for kind in _kinds_of(source) if kind.visible_to(user)}
        asked = offered if chosen is None else offered & chosen
        if asked:
            entries.extend(source(customer, user, kinds=asked, limit=wanted))
    # Newest first; at the same moment the later kind first (the order a call opened above the call).
    rank = {kind.code: kind.order for kind in timeline_kinds()}
    entries.sort(key=lambda entry: (entry.at, rank.get(entry.kind, 0)), reverse=True)
    start = (page - 1) * per_page
    return TimelinePage(
        entries=entries[start : start + per_page],
        page=page,
        has_next=page < MAX_PAGE and len(entries) > page * per_page,
        kinds=timeline_kinds(user),
        kind=",".join(sorted(chosen)) if chosen else "",
    )


def _kinds_of(source) -> tuple[TimelineKind, ...]:
    return getattr(source, "timeline_kinds", ())
