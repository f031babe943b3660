"""The archive's own part of the customer timeline (kefu.core.timeline): its papers — documents and the
correspondence with the customer — and the changes to the archive (who changed what).

The archive page has already checked that the viewer may see this customer (get_customer_for); phone
and ID numbers in the changes are masked for the viewer as in the history table."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from kefu.core.events import verb_label
from kefu.core.models import Event
from kefu.core.text import cut
from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source
from kefu.customers.events import CustomerEvents
from kefu.customers.masking import Masker
from kefu.customers.models import Customer, Document
from kefu.customers.selectors import change_details

DOCUMENT = TimelineKind("document", "资料与函件", 60)
ARCHIVE = TimelineKind("archive", "档案变更", 70)
# A paper added is its own entry (DOCUMENT), with its link; the event would say it twice.
PAPER_VERBS = {CustomerEvents.DOCUMENT_ADDED, CustomerEvents.CORRESPONDENCE_ADDED}
ARCHIVE_VERBS = [verb for verb in CustomerEvents.values if verb not in PAPER_VERBS]
SUMMARY_LENGTH = 120


@timeline_source(DOCUMENT, ARCHIVE)
def customer_timeline(customer: Customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    archive_url = reverse("customers:detail", args=[customer.pk])
    if DOCUMENT.code in kinds:
        entries += [_paper(document, archive_url) for document in _papers(customer, limit)]
    if ARCHIVE.code in kinds:
        masker = Masker(user)
        entries += [_change(event, masker, archive_url) for event in _changes(customer, limit)]
    return entries


def _papers(customer: Customer, limit: int):
    return (
        Document.objects.filter(customer=customer)
        .select_related("uploaded_by")
        .order_by("-dated_on", "-created_at", "-id")[:limit]
    )


def _changes(customer: Customer, limit: int):
    # Only the archive's own verbs: a payment is also recorded on the customer (collection's events),
    # but it is collection's entry, shown to those who may see payments.
    return (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Customer),
            target_id=customer.pk,
            verb__in=ARCHIVE_VERBS,
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )


def _paper(document: Document, archive_url: str) -> TimelineEntry:
    if document.is_correspondence:
        summary = f"{document.get_channel_display()}（{document.get_direction_display()}）：{document.title}"
    else:
        summary = f"{document.get_kind_display()}：{document.title}"
    if document.summary:
        summary = _short(f"{summary} — {document.summary}")
    if document.file:
        url = reverse("customers:download_document", args=[document.customer_id, document.pk])
    else:
        url = f"{archive_url}#document-{document.pk}"
    return DOCUMENT.entry(
        at=_dated(document),
        summary=summary,
        actor=str(document.uploaded_by),
        url=url,
    )


def _dated(document: Document) -> datetime:
    """When the paper belongs on the timeline: the letter's date, at the hour it was entered (a letter
    of the 5th entered on the 10th stands on the 5th); an upload, when it was uploaded."""
    entered = timezone.localtime(document.created_at)
    if document.dated_on == entered.date():
        return document.created_at
    return entered.replace(
        year=document.dated_on.year, month=document.dated_on.month, day=document.dated_on.day
    )


def _change(event: Event, masker: Masker, archive_url: str) -> TimelineEntry:
    # Opening lists every field of the archive, which the archive itself shows: the line says it opened.
    details = "" if event.verb == CustomerEvents.OPENED else "；".join(change_details(event, masker))
    summary = verb_label(event.verb) + (f"：{details}" if details else "")
    if event.note:
        summary += f"（{event.note}）"
    return ARCHIVE.entry(
        at=event.occurred_at,
        summary=_short(summary),
        actor=str(event.actor or "系统"),
        url=f"{archive_url}#history",
    )


def _short(text: str) -> str:
    return cut(text, SUMMARY_LENGTH)
