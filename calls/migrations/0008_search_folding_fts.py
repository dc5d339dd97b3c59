"""Search that folds accents and look-alike letters on both databases, and full-text
search on SQLite (calls/search_index.py).

PostgreSQL: the unaccent extension, the function calls_search_fold, and the generated
column search_document made again with it (PostgreSQL 15 cannot change the expression
of a generated column in place). SQLite: the FTS5 table calls_call_fts and its triggers.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from calls import search_index


def create_fold(apps, schema_editor):
    search_index.create_fold(schema_editor)


def regenerate_search_document(apps, schema_editor):
    """Drop and add the column (and its GIN index) with the folding expression."""
    if schema_editor.connection.vendor != "postgresql":
        return  # the column is NULL on other databases
    Call = apps.get_model("calls", "Call")
    field = Call._meta.get_field("search_document")
    index = next(i for i in Call._meta.indexes if i.name == "call_search_document")
    schema_editor.remove_field(Call, field)
    schema_editor.add_field(Call, field)
    schema_editor.add_index(Call, index)


def create_fts(apps, schema_editor):
    search_index.create_fts(schema_editor)


def drop_fts(apps, schema_editor):
    search_index.drop_fts(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("calls", "0007_hardening_text")]

    operations = [
        UnaccentExtension(),
        # Reversing keeps the function and the folded column: the column needs it.
        migrations.RunPython(create_fold, migrations.RunPython.noop),
        migrations.RunPython(regenerate_search_document, migrations.RunPython.noop),
        migrations.RunPython(create_fts, drop_fts),
    ]
