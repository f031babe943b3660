# Issue 11 item 13: one contact per call id, one per agent's idempotency key. Schema only; the data
# that would break the call id's uniqueness is marked by 0008 first.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hotline', '0008_contact_call_id_duplicates'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='idempotency_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='幂等键'),
        ),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.UniqueConstraint(condition=models.Q(('call_id', ''), _negated=True), fields=('call_id',), name='contact_call_id_unique'),
        ),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key', ''), _negated=True), fields=('agent', 'idempotency_key'), name='contact_agent_idempotency_unique'),
        ),
    ]
