"""On PostgreSQL the record's tables refuse UPDATE and DELETE, whoever asks (a trigger per table).

SQLite is left without: Django's test flush there is a DELETE, and an embedded single-user file
has no second party to defend against; ``charter record verify`` finds changes on both.
"""

from django.db import migrations

TABLES = ("record_entry", "record_node", "record_checkpoint")

FUNCTION = """
CREATE OR REPLACE FUNCTION charter_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the record is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION charter_record_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS charter_record_append_only()")


class Migration(migrations.Migration):
    dependencies = [("record", "0002_proofs_and_checkpoints")]
    operations = [migrations.RunPython(forwards, backwards)]
