"""Whether each call has eligible participant types and themes of its own, kept by
triggers (calls/own_lists.py), so that a query reads only the list that applies."""

from django.db import migrations, models

from calls import own_lists, triggers


def create_own_lists(apps, schema_editor):
    own_lists.create_own_lists(schema_editor)


def drop_own_lists(apps, schema_editor):
    own_lists.drop_own_lists(schema_editor)


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
        # Creates the triggers and sets the flags of existing calls (on SQLite,
        # after_rebuild has just done so: making them again finds the same).
        migrations.RunPython(create_own_lists, drop_own_lists),
    ]
