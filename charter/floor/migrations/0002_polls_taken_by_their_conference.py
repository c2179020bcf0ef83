"""The polls the floor created before polls named their taker: each resolution's and amendment's
poll is taken by its conference (``Poll.taken_by``), so its voters and runners stay the
conference's."""

from django.db import migrations


def name_the_taker(apps, schema_editor):  # type: ignore[no-untyped-def]
    Poll = apps.get_model("voting", "Poll")
    Resolution = apps.get_model("floor", "Resolution")
    Amendment = apps.get_model("floor", "Amendment")
    for poll_id, conference_id in Resolution.objects.exclude(poll=None).values_list("poll_id", "conference_id"):
        Poll.objects.filter(pk=poll_id).update(taken_by=f"conference:{conference_id}")
    for poll_id, conference_id in Amendment.objects.exclude(poll=None).values_list("poll_id", "resolution__conference_id"):
        Poll.objects.filter(pk=poll_id).update(taken_by=f"conference:{conference_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("floor", "0001_initial"),
        ("voting", "0002_poll_taken_by"),
    ]

    operations = [migrations.RunPython(name_the_taker, migrations.RunPython.noop)]
