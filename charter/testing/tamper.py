"""For tests that play the database superuser who rewrites the record behind Charter's back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def as_superuser() -> Iterator[None]:
    """Switch off PostgreSQL's triggers for the block, as a database superuser can."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")


def rewrite(sql: str, *params: object) -> None:
    """Run one statement against the record's tables as the superuser."""
    with as_superuser(), connection.cursor() as cur:
        cur.execute(sql, params)


def entry_text(index: int) -> str:
    """The stored bytes of entry ``index`` (from its block, when it is sealed), as text."""
    from charter.record import blocks

    return blocks.rows(index, index + 1)[0][1].decode("utf-8")


def stored_leaf(index: int) -> str:
    """The stored leaf hash (hex) of entry ``index``: its block's, when it is sealed."""
    from charter.record import blocks

    return blocks.rows(index, index + 1)[0][2]


def _block_of(index: int) -> tuple[int, list[bytes], list[bytes], bytes] | None:
    from charter.record import blocks, sweep
    from charter.record.models import Block

    row = Block.objects.filter(number=index >> blocks.BITS).values_list("number", "data", "ends", "leaves", "nodes").first()
    if row is None:
        return None
    number, data, ends, leaves, nodes = row
    joined = bytes(leaves)
    return number, sweep.block_entries(bytes(data), bytes(ends)), [joined[i : i + 32] for i in range(0, len(joined), 32)], bytes(nodes)


def _store_block(number: int, entries: list[bytes], leaves: list[bytes], nodes: bytes) -> None:
    from charter.record import blocks

    columns = blocks.pack(entries)
    rewrite(
        "UPDATE record_block SET data = %s, ends = %s, leaves = %s, nodes = %s WHERE number = %s",
        columns["data"], columns["ends"], b"".join(leaves), nodes, number,
    )


def rewrite_entry(index: int, body: str | None = None, leaf_hash: str | None = None) -> None:
    """Change entry ``index``'s stored bytes, or its stored leaf hash, or both, where they are
    stored: in its block when it is sealed, in its row when not (as the superuser)."""
    block = _block_of(index)
    if block is None:
        if body is not None:
            rewrite('UPDATE record_entry SET body = %s WHERE "index" = %s', body, index)
        if leaf_hash is not None:
            rewrite('UPDATE record_entry SET leaf_hash = %s WHERE "index" = %s', leaf_hash, index)
        return
    number, entries, leaves, nodes = block
    k = index - (number << 8)
    if body is not None:
        entries[k] = body.encode("utf-8")
    if leaf_hash is not None:
        leaves[k] = bytes.fromhex(leaf_hash)
    _store_block(number, entries, leaves, nodes)


def swap_entries(index: int) -> None:
    """Entries ``index`` and ``index + 1`` trade places, each keeping its leaf hash: in their block
    when both are sealed in one, in their rows otherwise (after ``unseal``)."""
    block = _block_of(index)
    if block is not None and (index + 1) >> 8 == block[0]:
        number, entries, leaves, nodes = block
        k = index - (number << 8)
        entries[k], entries[k + 1] = entries[k + 1], entries[k]
        leaves[k], leaves[k + 1] = leaves[k + 1], leaves[k]
        _store_block(number, entries, leaves, nodes)
        return
    unseal(index)
    with connection.cursor() as cur:
        cur.execute('SELECT id FROM record_entry WHERE "index" IN (%s, %s) ORDER BY "index"', [index, index + 1])
        a, b = (row[0] for row in cur.fetchall())
    rewrite('UPDATE record_entry SET "index" = %s WHERE id = %s', 10**12, a)
    rewrite('UPDATE record_entry SET "index" = %s WHERE id = %s', index, b)
    rewrite('UPDATE record_entry SET "index" = %s WHERE id = %s', index + 1, a)


def unseal(index: int) -> None:
    """Undo the sealing of the block holding entry ``index`` and of every block after it, as a
    careful superuser would before rewriting rows: the entries' bytes and leaf hashes back in their
    rows, the subtrees the blocks held back as rows, the blocks deleted. The record stays intact."""
    from charter.record import blocks
    from charter.record.models import Block

    numbers = list(Block.objects.filter(number__gte=index >> blocks.BITS).order_by("number").values_list("number", flat=True))
    for number in numbers:
        _number, entries, leaves, nodes = _block_of(number << blocks.BITS)  # type: ignore[misc]
        for k, (data, leaf) in enumerate(zip(entries, leaves, strict=True)):
            rewrite('UPDATE record_entry SET body = %s, leaf_hash = %s WHERE "index" = %s', data.decode("utf-8"), leaf.hex(), (number << blocks.BITS) + k)
        for i, key in enumerate(blocks.node_keys(number)):
            rewrite("INSERT INTO record_node (key, hash) VALUES (%s, %s)", key, nodes[32 * i : 32 * i + 32].hex())
        rewrite("DELETE FROM record_block WHERE number = %s", number)
