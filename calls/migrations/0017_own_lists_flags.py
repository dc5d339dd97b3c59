"""Whether each call has eligible participant types and themes of its own, kept by
triggers (calls/triggers.py), so that a query reads only the list that applies."""

from django.db import migrations, models

from calls import triggers


def create_own_lists(apps, schema_editor):
    triggers.create_own_lists(schema_editor)


def drop_own_lists(apps, schema_editor):
    triggers.drop_own_lists(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("calls", "0016_national_note_text_rules")]

    before_rebuild, after_rebuild = triggers.sqlite_rebuild_guard(schedule=True)

    operations = [
        before_rebuild,
        migrations.AddField(
            model_name="call",
            name="has_own_participant_types",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="call",
            name="has_own_themes",
            field=models.BooleanField(default=False, editable=False),
        ),
        after_rebuild,
        # Creates the triggers and sets the flags of existing calls.
        migrations.RunPython(create_own_lists, drop_own_lists),
    ]
