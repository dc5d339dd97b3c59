"""Every deadline comes after its call opens: triggers (see calls/triggers.py)."""

from django.db import migrations

from calls import triggers


def create_triggers(apps, schema_editor):
    triggers.create(schema_editor)


def drop_triggers(apps, schema_editor):
    triggers.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
