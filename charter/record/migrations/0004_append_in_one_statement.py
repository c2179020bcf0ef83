"""On PostgreSQL an entry is appended by one function call: the log's lock, the entry's index, its
leaf hash, the subtrees it completes, the new right edge and root, and the entry's subjects.

Every act holds the log's lock from the moment it takes it to its commit, so the time between is
the log's pace. Done from Python it was two round trips with the act's process in between (read the
head; hash and write); here it is one statement, and the act's process does nothing while it holds
the lock but send COMMIT. ``record.log`` computes the same thing in Python on SQLite, and ``record
verify`` recomputes every hash from the entries' bytes on both.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION charter_record_append(
    head text, tail text, created timestamptz, act_name text, outcome_name text,
    subject_ids bigint[], subject_roles varchar[]
) RETURNS TABLE (new_id bigint, new_index bigint, new_leaf text, new_body text)
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    edge text[];
    h bytea;
    bits bigint;
    start bigint;
    level int := 0;
    node_keys bigint[] := '{}';
    node_hashes varchar[] := '{}';
    acc bytea;
    i int;
BEGIN
    SELECT s.size, ARRAY(SELECT jsonb_array_elements_text(s.compact::jsonb))
      INTO n, edge FROM record_logstate s WHERE s.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;  -- no log state yet: the caller makes it
    END IF;
    new_body := head || n::text || tail;
    h := sha256('\x00'::bytea || convert_to(new_body, 'UTF8'));
    new_leaf := encode(h, 'hex');
    -- the leaf completes one perfect subtree per trailing 1 bit of the size (RFC 9162 2.1.1)
    bits := n;
    start := n;
    WHILE bits % 2 = 1 LOOP
        h := sha256('\x01'::bytea || decode(edge[cardinality(edge)], 'hex') || h);
        edge := edge[1:cardinality(edge) - 1];
        start := start - (1::bigint << level);
        level := level + 1;
        node_keys := node_keys || (start * 64 + level);
        node_hashes := node_hashes || encode(h, 'hex')::varchar;
        bits := bits / 2;
    END LOOP;
    edge := edge || encode(h, 'hex');
    acc := decode(edge[cardinality(edge)], 'hex');
    FOR i IN REVERSE cardinality(edge) - 1 .. 1 LOOP
        acc := sha256('\x01'::bytea || decode(edge[i], 'hex') || acc);
    END LOOP;
    INSERT INTO record_entry ("index", body, leaf_hash, created_at, act, outcome)
        VALUES (n, new_body, new_leaf, created, act_name, outcome_name) RETURNING id INTO new_id;
    INSERT INTO record_node (key, hash) SELECT * FROM unnest(node_keys, node_hashes);
    UPDATE record_logstate SET size = n + 1, compact = to_jsonb(edge), root = encode(acc, 'hex') WHERE id = 1;
    INSERT INTO record_entrysubject (entry_id, subject_id, role)
        SELECT new_id, x.subject_id, x.role FROM unnest(subject_ids, subject_roles) AS x(subject_id, role);
    new_index := n;
    RETURN NEXT;
END
$$;
"""

SIGNATURE = "charter_record_append(text, text, timestamptz, text, text, bigint[], varchar[])"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")


class Migration(migrations.Migration):
    dependencies = [("record", "0003_append_only_on_postgresql")]
    operations = [migrations.RunPython(forwards, backwards)]
