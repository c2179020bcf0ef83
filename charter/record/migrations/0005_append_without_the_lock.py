"""On PostgreSQL an act takes its entry's index from a sequence and no longer builds the tree.

Until now every act locked the log's state, extended the tree and held the lock through its commit,
so acts appended one after another, each waiting for the one before to reach the disk. Now the
append only takes the next index from ``record_entry_index_seq``, writes the entry (its bytes and
leaf hash) and its subjects, and takes no lock: acts commit side by side, their WAL flushes shared.
The tree (stored subtrees, right edge, root) is built after the acts commit, in index order, by
``record.integration.integrate`` (decision 0003, "Integration").

An index is taken for good: an act that rolls back after taking one leaves its place empty. Before
it takes one, the function takes an advisory lock, shared (no act waits for another), which the act
holds to its end; so integration can tell when no act can still fill a place (the acts holding the
lock when the sequence had passed it have all ended), and fills it then with an entry that says so.
"""

from django.db import migrations

SEQUENCE = "record_entry_index_seq"

APPENDING = 91620005  # the advisory lock every appending act holds, shared, to its end

FUNCTION = r"""
CREATE OR REPLACE FUNCTION charter_record_append(
    head text, tail text, created timestamptz, act_name text, outcome_name text,
    subject_ids bigint[], subject_roles varchar[]
) RETURNS TABLE (new_id bigint, new_index bigint, new_leaf text, new_body text)
LANGUAGE plpgsql AS $$
BEGIN
    -- held to the act's end, taken before its index: integration waits on it (the docstring above)
    PERFORM pg_advisory_xact_lock_shared({APPENDING});
    new_index := nextval('record_entry_index_seq');
    new_body := head || new_index::text || tail;
    new_leaf := encode(sha256('\x00'::bytea || convert_to(new_body, 'UTF8')), 'hex');
    INSERT INTO record_entry ("index", body, leaf_hash, created_at, act, outcome)
        VALUES (new_index, new_body, new_leaf, created, act_name, outcome_name) RETURNING id INTO new_id;
    INSERT INTO record_entrysubject (entry_id, subject_id, role)
        SELECT new_id, x.subject_id, x.role FROM unnest(subject_ids, subject_roles) AS x(subject_id, role);
    RETURN NEXT;
END
$$;
""".replace("{APPENDING}", str(APPENDING))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} MINVALUE 0 START 0")
    schema_editor.execute(
        f"SELECT setval('{SEQUENCE}', coalesce((SELECT max(\"index\") + 1 FROM record_entry), 0), false)"
    )
    schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from importlib import import_module

    previous = import_module("charter.record.migrations.0004_append_in_one_statement")
    schema_editor.execute(previous.FUNCTION, params=None)
    schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("record", "0004_append_in_one_statement")]
    operations = [migrations.RunPython(forwards, backwards)]
