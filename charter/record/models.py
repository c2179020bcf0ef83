"""The public record: an append-only log whose root is an RFC 9162 Merkle tree hash.

``Entry.body`` holds the canonical JSON bytes that are hashed; it names no person. People appear
as commitments (``Subject``): SHA-256 over a secret salt and the member's id. The salts stay here,
off the public log; erasing a person deletes the salt, and the log still verifies.
"""

from __future__ import annotations

from django.db import models


class Entry(models.Model):
    index = models.BigIntegerField(unique=True)
    body = models.TextField()  # canonical JSON: exactly the bytes that are hashed (UTF-8)
    leaf_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    act = models.CharField(max_length=60, db_index=True)
    outcome = models.CharField(max_length=20)

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "entries"
        constraints = [models.CheckConstraint(condition=models.Q(index__gte=0), name="entry_index_non_negative")]

    def __str__(self) -> str:
        return f"#{self.index} {self.act} ({self.outcome})"


class LogState(models.Model):
    """One row: the size of the log and the right edge of its tree, locked by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    compact = models.JSONField(default=list)  # hex hashes of the perfect subtrees on the right edge
    root = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_log_state")]


class Block(models.Model):
    """256 integrated entries, ``[number * 256, number * 256 + 256)``, sealed into one row
    (``record.blocks``): their leaf inputs (0x00, then each entry's bytes) joined, where each one
    ends in ``data`` (32-bit little-endian), their leaf hashes joined, and the hashes of the
    subtrees inside the block (levels 1 to 7) joined. When a block is sealed, its entries' rows are
    emptied of their bytes and leaf hash, and the ``Node`` rows of those subtrees are deleted."""

    number = models.BigIntegerField(primary_key=True)
    data = models.BinaryField()
    ends = models.BinaryField()
    leaves = models.BinaryField()
    nodes = models.BinaryField()

    def __str__(self) -> str:
        return f"block {self.number}"


class Node(models.Model):
    """A perfect subtree of the log's tree, ``[start, start + 2**level)`` with ``level >= 1``.

    Written by integration when it completes one; proofs read their O(log n) nodes from here (single
    leaves come from the entry). A subtree narrower than 256 entries moves into its block when the
    block is sealed (``Block.nodes``). The key packs both coordinates: ``start * 64 + level``.
    """

    key = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)

    @staticmethod
    def key_for(start: int, end: int) -> int:
        width = end - start
        return start * 64 + width.bit_length() - 1

    @property
    def range(self) -> tuple[int, int]:
        level = self.key % 64
        start = self.key // 64
        return start, start + (1 << level)


class Checkpoint(models.Model):
    """A signed tree head: the C2SP checkpoint note exactly as it was signed and served.

    ``size`` and ``root`` repeat what the note says, for queries; ``record verify`` checks they
    agree with the signed text. ``compact`` is the tree's right edge at ``size``, from which the
    next checkpoint is built and so proved consistent before it is signed.
    """

    size = models.BigIntegerField(unique=True)
    root = models.CharField(max_length=64)
    note = models.TextField()
    compact = models.JSONField(default=list)

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size} {self.root[:12]}"


class Subject(models.Model):
    """The private link between a person and the commitment that stands for them on the log."""

    member = models.OneToOneField("members.Member", null=True, on_delete=models.SET_NULL, related_name="record_subject")
    commitment = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=64, blank=True, default="")  # emptied when the person is erased


class EntrySubject(models.Model):
    """Which entries concern which people (private; lets a member find their own entries)."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="subjects")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="entries")
    role = models.CharField(max_length=20)  # "actor" or "subject"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "subject", "role"], name="entry_subject_once")]
