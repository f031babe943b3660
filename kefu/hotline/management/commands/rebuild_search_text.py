"""Recompute Contact.search_text for every contact, e.g. for contacts loaded before the full-text index
existed or after the tokens changed. Only rows whose text changes are written, so a second run is cheap
and the index (and on SQLite its triggers) sees no needless updates.

It is the hotline's command (it walks the hotline's contacts); kefu.fulltext only knows how to turn text
into tokens and tokens into a query, so it names no domain app."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kefu.fulltext.tokens import contact_search_text
from kefu.hotline.models import Contact


class Command(BaseCommand):
    help = "重新生成全部来电来访登记的全文检索词（search_text）"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="每批处理的登记数")

    def handle(self, *args, batch_size: int, verbosity: int, **options):
        contacts = Contact.objects.select_related("work_order").order_by("id")
        total = contacts.count()
        changed = 0
        last_id = 0
        with tqdm(total=total, unit="条", disable=verbosity == 0) as progress:
            while True:
                # Keyset pages by id: an OFFSET would rescan every earlier row on each batch.
                batch = list(contacts.filter(id__gt=last_id)[:batch_size])
                if not batch:
                    break
                last_id = batch[-1].id
                stale = []
                for contact in batch:
                    text = contact_search_text(contact)
                    if text != contact.search_text:
                        contact.search_text = text
                        stale.append(contact)
                Contact.objects.bulk_update(stale, ["search_text"], batch_size=batch_size)
                changed += len(stale)
                progress.update(len(batch))
        self.stdout.write(self.style.SUCCESS(f"已检查 {total} 条登记，更新 {changed} 条的检索词。"))
