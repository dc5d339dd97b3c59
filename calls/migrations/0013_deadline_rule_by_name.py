"""The deadline triggers raise the rule's name instead of its words (calls/triggers.py),
so that errors are recognised by name on both databases. Going back keeps the new
triggers: they refuse the same rows."""

from django.db import migrations

from calls import triggers


def replace_triggers(apps, schema_editor):
    triggers.drop(schema_editor)
    triggers.create(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("calls", "0012_programme_tally_live_indexes")]

    operations = [migrations.RunPython(replace_triggers, migrations.RunPython.noop)]
