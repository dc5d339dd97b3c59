"""A trigram index on call identifiers, so that searching a piece of an identifier code
(`identifier LIKE '%TF2-AG-CALL-0%'`) reads an index. PostgreSQL only; on SQLite, for
local use, the search scans the table."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = "CREATE INDEX call_identifier_trigram ON calls_call USING gin (identifier gin_trgm_ops)"
DROP = "DROP INDEX IF EXISTS call_identifier_trigram"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("calls", "0004_schedule_columns")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
