"""The SQLite triggers of the tally of published calls, made again: a call counted out of
a programme that has no row in the tally no longer makes one at -1 (calls/triggers.py).
PostgreSQL's are made again too, unchanged, and the tallies counted anew."""

from django.db import migrations

from calls import triggers


def make_again(apps, schema_editor):
    triggers.drop_tally(schema_editor)
    triggers.create_tally(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("calls", "0014_cancelled_index_covering")]

    operations = [migrations.RunPython(make_again, make_again)]
