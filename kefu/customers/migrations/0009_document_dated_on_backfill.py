"""Each document already in the archives is dated the day it was uploaded (local time), so that the
timeline orders old uploads and new correspondence alike; the next migration then requires the date."""

from django.db import migrations
from django.utils import timezone


def date_uploads(apps, schema_editor):
    Document = apps.get_model("customers", "Document")
    for document in Document.objects.filter(dated_on__isnull=True).only("id", "created_at").iterator():
        day = timezone.localdate(document.created_at)
        Document.objects.filter(pk=document.pk).update(dated_on=day)


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_document_correspondence")]

    operations = [migrations.RunPython(date_uploads, migrations.RunPython.noop)]
