# Retries with backoff and delivery receipts: when a queued notice is next due, when it was last tried;
# the worker's queue is a partial index of the queued rows (replacing the index on state and channel).

import datetime

import django.db.models.deletion

from django.db import migrations, models
from django.db.models import F, Q


def due_from_creation(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    Notice.objects.update(next_attempt_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='notice',
            name='next_attempt_at',
            field=models.DateTimeField(default=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)),
            preserve_default=False,
        ),
        migrations.RunPython(due_from_creation, migrations.RunPython.noop),
        migrations.AddField(
            model_name='notice',
            name='last_attempt_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RemoveIndex(
            model_name='notice',
            name='notices_not_state_d5c21c_idx',
        ),
        migrations.AlterField(
            model_name='notice',
            name='member',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='members.member'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='dedupe_key',
            field=models.CharField(max_length=200),
        ),
        migrations.AddConstraint(
            model_name='notice',
            constraint=models.UniqueConstraint(fields=('dedupe_key',), name='notice_dedupe_key_unique'),
        ),
        migrations.AddIndex(
            model_name='notice',
            index=models.Index(condition=Q(('state', 'queued')), fields=['next_attempt_at', 'id'], name='notice_due'),
        ),
        migrations.AddConstraint(
            model_name='notice',
            constraint=models.CheckConstraint(condition=~Q(('state', 'sent')) | Q(('sent_at__isnull', False)), name='notice_sent_has_time'),
        ),
    ]
