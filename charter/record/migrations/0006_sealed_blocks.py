"""Integrated entries are sealed in blocks of 256, each block one row.

``record verify`` spent more time reading a row per entry and per stored subtree than hashing
(decision 0003, "Blocks"). From here, integration seals every whole block of 256 entries into one
``record_block`` row (``record.blocks``): the entries' bytes and leaf hashes, and the hashes of the
subtrees inside the block. It then empties the entries' rows of their bytes and leaf hash and
deletes the ``record_node`` rows of those subtrees. The blocks of a log that already exists are
sealed by the next round of integration.

On PostgreSQL ``record_block`` refuses UPDATE and DELETE like the other record tables. The
entries' and subtrees' triggers now each let one change through, only where the block holds what
is taken out: emptying an entry's bytes and leaf hash (every other column unchanged) when its block
holds exactly those bytes and that hash at its place, and deleting a subtree narrower than a block
when its block holds exactly that hash at its place.
"""

from django.db import migrations, models

HOLDING = "(body = '' AND leaf_hash = '') IS NOT TRUE"  # as record.sweep.HOLDING

# what both functions do with any other change (as migration 0003's function does with every one)
REFUSED = """
    RAISE EXCEPTION 'the record is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

SEAL_ONLY = r"""
CREATE OR REPLACE FUNCTION charter_record_entry_sealed_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k int;
    e bigint;
    s bigint := 0;
    held boolean := false;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.body = '' AND NEW.leaf_hash = '' AND OLD.body <> ''
       AND NEW.id = OLD.id AND NEW."index" = OLD."index" AND NEW.created_at = OLD.created_at
       AND NEW.act = OLD.act AND NEW.outcome = OLD.outcome THEN
        k := (OLD."index" & 255)::int;
        SELECT get_byte(ends, 4 * k) + (get_byte(ends, 4 * k + 1)::bigint << 8)
               + (get_byte(ends, 4 * k + 2)::bigint << 16) + (get_byte(ends, 4 * k + 3)::bigint << 24),
               CASE WHEN k = 0 THEN 0 ELSE get_byte(ends, 4 * k - 4) + (get_byte(ends, 4 * k - 3)::bigint << 8)
               + (get_byte(ends, 4 * k - 2)::bigint << 16) + (get_byte(ends, 4 * k - 1)::bigint << 24) END
            INTO e, s FROM record_block WHERE number = OLD."index" >> 8 AND length(ends) >= 4 * k + 4;
        IF FOUND THEN
            SELECT substring(data FROM (s + 1)::int FOR (e - s)::int) = '\x00'::bytea || convert_to(OLD.body, 'UTF8')
                   AND substring(leaves FROM 32 * k + 1 FOR 32) = decode(OLD.leaf_hash, 'hex')
                INTO held FROM record_block WHERE number = OLD."index" >> 8;
            IF held THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
""" + REFUSED

NODE_SEALED_ONLY = r"""
CREATE OR REPLACE FUNCTION charter_record_node_sealed_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lvl int := (OLD.key % 64)::int;
    p bigint;
    held boolean := false;
BEGIN
    IF TG_OP = 'DELETE' AND lvl BETWEEN 1 AND 7 THEN
        p := 256 - (512 >> lvl) + (((OLD.key / 64) & 255) >> lvl);
        SELECT substring(nodes FROM (32 * p + 1)::int FOR 32) = decode(OLD.hash, 'hex')
            INTO held FROM record_block WHERE number = (OLD.key / 64) >> 8;
        IF held THEN
            RETURN OLD;
        END IF;
    END IF;
""" + REFUSED


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEAL_ONLY, params=None)
        schema_editor.execute("DROP TRIGGER IF EXISTS record_entry_append_only ON record_entry")
        schema_editor.execute(
            "CREATE TRIGGER record_entry_append_only BEFORE UPDATE OR DELETE ON record_entry "
            "FOR EACH ROW EXECUTE FUNCTION charter_record_entry_sealed_only()"
        )
        schema_editor.execute(NODE_SEALED_ONLY, params=None)
        schema_editor.execute("DROP TRIGGER IF EXISTS record_node_append_only ON record_node")
        schema_editor.execute(
            "CREATE TRIGGER record_node_append_only BEFORE UPDATE OR DELETE ON record_node "
            "FOR EACH ROW EXECUTE FUNCTION charter_record_node_sealed_only()"
        )
        schema_editor.execute(
            "CREATE TRIGGER record_block_append_only BEFORE UPDATE OR DELETE ON record_block "
            "FOR EACH ROW EXECUTE FUNCTION charter_record_append_only()"
        )
        # read whole by record verify: kept uncompressed, out of line
        schema_editor.execute("ALTER TABLE record_block ALTER COLUMN data SET STORAGE EXTERNAL")
    # the rows that hold their entry's bytes, those not sealed: record verify finds any sealed one here
    schema_editor.execute(f"CREATE INDEX record_entry_holding ON record_entry (\"index\") WHERE {HOLDING}", params=None)


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM record_block")
        if cursor.fetchone()[0]:
            raise RuntimeError("entries are sealed in blocks: going back would lose their bytes")
    schema_editor.execute("DROP INDEX IF EXISTS record_entry_holding", params=None)
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS record_block_append_only ON record_block")
    for table in ("record_entry", "record_node"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION charter_record_append_only()"
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS charter_record_entry_sealed_only()")
    schema_editor.execute("DROP FUNCTION IF EXISTS charter_record_node_sealed_only()")


class Migration(migrations.Migration):
    dependencies = [("record", "0005_append_without_the_lock")]
    operations = [
        migrations.CreateModel(
            name="Block",
            fields=[
                ("number", models.BigIntegerField(primary_key=True, serialize=False)),
                ("data", models.BinaryField()),
                ("ends", models.BinaryField()),
                ("leaves", models.BinaryField()),
                ("nodes", models.BinaryField()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
