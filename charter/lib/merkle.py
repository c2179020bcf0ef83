"""RFC 9162 (Certificate Transparency v2) Merkle trees, proofs and verification.

Hashing (RFC 9162 section 2.1.1, identical to RFC 6962):

* ``leaf_hash(d)   = SHA-256(0x00 || d)``
* ``node_hash(l, r) = SHA-256(0x01 || l || r)``
* ``MTH({})        = SHA-256("")``  (``EMPTY_ROOT``)
* ``MTH(D[n])``    = ``node_hash(MTH(D[0:k]), MTH(D[k:n]))`` where ``k`` is the
  largest power of two smaller than ``n``.

Proof generation (``inclusion_proof``, ``consistency_proof``) follows the
recursive PATH and SUBPROOF definitions of RFC 9162 sections 2.1.3.1 and
2.1.4.1 and returns the nodes in the same order (deepest first).  It reads tree
nodes through a callback ``get_node(start, end)`` that must return MTH of the
leaves ``[start, end)``.  **It only ever asks for perfect, aligned subtrees**:
ranges ``[k * 2**j, (k + 1) * 2**j)`` with ``(k + 1) * 2**j <= size``,
single leaves ``[i, i + 1)`` included.  A node that is not perfect (a sibling
on the right edge of a tree whose size is not a power of two) is assembled here
from the perfect subtrees of its binary decomposition.  A proof for a tree of
``n`` leaves costs at most about ``2 * log2(n)`` callback calls, so the callback
can be served from a table of leaf hashes plus stored hashes of completed
perfect subtrees (exactly the subtrees ``CompactRange.append_with_subtrees``
reports as they complete).

Verification (``verify_inclusion``, ``verify_consistency``) is the bit-shifting
algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2, step by step.  Cases the
RFC leaves out are decided as follows (see docs/decisions/0003-transparency-log.md):

* inclusion with ``index >= size`` (so any inclusion in the empty tree) fails;
* consistency with ``size1 > size2`` fails;
* consistency with ``size1 == size2`` holds iff the proof is empty and the two
  roots are equal (and, for size 0, equal to ``EMPTY_ROOT``);
* consistency from the empty tree (``size1 == 0 < size2``) holds iff the proof
  is empty and ``root1 == EMPTY_ROOT``: the empty tree is a prefix of every
  tree, so there is nothing to prove, but a wrong claimed root for it is still
  rejected.

Malformed hashes (not exactly 32 bytes) make verification fail; values of the
wrong *type* (say a hex ``str`` instead of ``bytes``) raise ``TypeError``
because that is a programming error, not a bad proof.

Everything here is pure standard library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "MemoryTree",
    "consistency_proof",
    "consistency_proof_length",
    "inclusion_proof",
    "inclusion_proof_length",
    "leaf_hash",
    "leaf_hashes",
    "node_hash",
    "root_from_leaf_hashes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32

_sha256 = hashlib.sha256
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
# A SHA-256 state that has already absorbed the node prefix: copying it is
# cheaper than creating a fresh OpenSSL context for each interior node.
_NODE_STATE = _sha256(_NODE_PREFIX)

#: MTH of the empty tree: SHA-256 of the empty string (RFC 9162 section 2.1.1).
EMPTY_ROOT: bytes = _sha256(b"").digest()

GetNode = Callable[[int, int], bytes]


# ---------------------------------------------------------------------------
# Hashing
# ---------------------------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 || entry)``: the hash of one log entry."""
    return _sha256(_LEAF_PREFIX + entry).digest()


def leaf_hashes(entries: Iterable[bytes]) -> list[bytes]:
    """``[leaf_hash(e) for e in entries]``, with the loop overhead minimised."""
    sha256 = _sha256
    prefix = _LEAF_PREFIX
    return [sha256(prefix + e).digest() for e in entries]


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _check_hash_type(value: object, what: str) -> None:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{what} must be bytes, not {type(value).__name__}")


def _check_int(value: object, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves (``EMPTY_ROOT`` for an empty sequence).

    Works level by level, pairing neighbours and carrying an unpaired last
    node up unchanged, which yields exactly the RFC's left-balanced tree.
    About one SHA-256 per leaf; 1,000,000 leaves take roughly as long as
    hashing 1,000,000 short strings in a Python loop.
    """
    level = list(hashes)
    if not level:
        return EMPTY_ROOT
    lengths = set(map(len, level))
    if lengths != {HASH_SIZE}:
        raise ValueError(
            f"leaf hashes must all be {HASH_SIZE} bytes (got lengths {sorted(lengths)})"
        )
    copy = _NODE_STATE.copy
    while len(level) > 1:
        odd = level[-1] if len(level) & 1 else None
        it = iter(level)
        nxt: list[bytes] = []
        append = nxt.append
        for left, right in zip(it, it, strict=False):
            h = copy()
            h.update(left)
            h.update(right)
            append(h.digest())
        if odd is not None:
            append(odd)
        level = nxt
    return bytes(level[0])


# ---------------------------------------------------------------------------
# Tree shape helpers
# ---------------------------------------------------------------------------


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _perfect_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """The aligned perfect subtrees whose fold is MTH([start, end)).

    Valid for every range that occurs as a node of some RFC tree: ``start``
    must be a multiple of the smallest power of two >= ``end - start``.
    """
    n = end - start
    if n <= 0:
        raise ValueError(f"empty or negative range [{start}, {end})")
    capacity = 1 << (n - 1).bit_length()
    if start % capacity:
        raise ValueError(f"[{start}, {end}) is not a subtree of any RFC 9162 tree")
    pieces = []
    pos = start
    while pos < end:
        width = 1 << ((end - pos).bit_length() - 1)
        pieces.append((pos, pos + width))
        pos += width
    return pieces


def subtree_hash(start: int, end: int, get_node: GetNode) -> bytes:
    """MTH of leaves ``[start, end)`` built only from perfect aligned ``get_node`` calls.

    ``[start, end)`` must be a node of some RFC tree (``start`` a multiple of
    the smallest power of two >= ``end - start``); every range that occurs in
    a proof is.  Makes ``popcount(end - start)`` callback calls.
    """
    pieces = _perfect_pieces(start, end)
    acc = get_node(*pieces[-1])
    for lo, hi in reversed(pieces[:-1]):
        acc = node_hash(get_node(lo, hi), acc)
    return acc


# ---------------------------------------------------------------------------
# Proof generation (RFC 9162 2.1.3.1 PATH, 2.1.4.1 SUBPROOF)
# ---------------------------------------------------------------------------


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:  # PATH(m, D[0:k]) : MTH(D[k:n])
            ranges.append((mid, hi))
            hi = mid
        else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
            ranges.append((lo, mid))
            lo = mid
    ranges.reverse()  # the recursion appends the deepest sibling first
    return ranges


def inclusion_proof(index: int, size: int, get_node: GetNode) -> list[bytes]:
    """RFC 9162 inclusion proof (PATH) for leaf ``index`` in the tree of ``size`` leaves.

    Raises ``ValueError`` unless ``0 <= index < size``.  Sibling subtrees to the
    left of the path are perfect and fetched with one call each; the at most
    one sibling on the right edge that is not perfect is assembled from its
    perfect pieces.
    """
    _check_int(index, "index")
    _check_int(size, "size")
    if not 0 <= index < size:
        raise ValueError(f"no inclusion proof for index {index} in a tree of size {size}")
    return [subtree_hash(lo, hi, get_node) for lo, hi in _inclusion_ranges(index, size)]


def _consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    ranges = []
    m, lo, hi, complete = size1, 0, size2, True
    while True:
        n = hi - lo
        if m == n:
            if not complete:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
                ranges.append((lo, hi))
            break
        k = _split(n)
        if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            ranges.append((lo + k, hi))
            hi = lo + k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    ranges.reverse()
    return ranges


def consistency_proof(size1: int, size2: int, get_node: GetNode) -> list[bytes]:
    """RFC 9162 consistency proof (SUBPROOF) between tree sizes ``size1 <= size2``.

    Returns ``[]`` when ``size1 == size2`` (RFC 6962's SUBPROOF(m, D[m], true))
    and when ``size1 == 0`` (the empty tree is a prefix of every tree; see the
    module docstring).  Raises ``ValueError`` for ``size1 > size2`` or negative
    sizes.
    """
    _check_int(size1, "size1")
    _check_int(size2, "size2")
    if not 0 <= size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == 0 or size1 == size2:
        return []
    return [subtree_hash(lo, hi, get_node) for lo, hi in _consistency_ranges(size1, size2)]


def inclusion_proof_length(index: int, size: int) -> int:
    """Number of nodes in the inclusion proof for ``index`` in a tree of ``size``."""
    if not 0 <= index < size:
        raise ValueError(f"no inclusion proof for index {index} in a tree of size {size}")
    return len(_inclusion_ranges(index, size))


def consistency_proof_length(size1: int, size2: int) -> int:
    """Number of nodes in the consistency proof from ``size1`` to ``size2``."""
    if not 0 <= size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == 0 or size1 == size2:
        return 0
    return len(_consistency_ranges(size1, size2))


# ---------------------------------------------------------------------------
# Verification (RFC 9162 2.1.3.2, 2.1.4.2)
# ---------------------------------------------------------------------------


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof exactly as RFC 9162 section 2.1.3.2 describes."""
    proof = list(proof)
    _check_hash_type(leaf_hash, "leaf_hash")
    _check_hash_type(root, "root")
    _check_int(index, "index")
    _check_int(size, "size")
    for p in proof:
        _check_hash_type(p, "proof node")
    if len(leaf_hash) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    # 1. leaf_index >= tree_size fails (this also rejects every size-0 tree).
    if index < 0 or index >= size:
        return False
    # 2. fn = leaf_index, sn = tree_size - 1.  3. r = hash.
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    # 4. For each p in the inclusion path:
    for p in proof:
        if sn == 0:  # a. the path is longer than the tree is high
            return False
        if fn & 1 or fn == sn:  # b.
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1  # c.
        sn >>= 1
    # 5. sn must be 0 (path not too short) and r must equal the root.
    return sn == 0 and r == bytes(root)


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof exactly as RFC 9162 section 2.1.4.2 describes.

    Outside the RFC's ``0 < size1 < size2``: ``size1 == size2`` needs an empty
    proof and equal roots; ``size1 == 0`` needs an empty proof and
    ``root1 == EMPTY_ROOT``; ``size1 > size2`` always fails.
    """
    proof = list(proof)
    _check_int(size1, "size1")
    _check_int(size2, "size2")
    _check_hash_type(root1, "root1")
    _check_hash_type(root2, "root2")
    for p in proof:
        _check_hash_type(p, "proof node")
    if len(root1) != HASH_SIZE or len(root2) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    root1, root2 = bytes(root1), bytes(root2)
    if size1 < 0 or size2 < size1:
        return False
    if size1 == size2:
        return len(proof) == 0 and root1 == root2 and (size1 > 0 or root1 == EMPTY_ROOT)
    if size1 == 0:
        return len(proof) == 0 and root1 == EMPTY_ROOT
    # 0 < size1 < size2 from here on: the RFC algorithm verbatim.
    # 1. An empty consistency path fails.
    if len(proof) == 0:
        return False
    path = [bytes(p) for p in proof]
    # 2. If first is an exact power of 2, prepend first_hash.
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = size1 - 1, size2 - 1
    # 4. While LSB(fn) is set, right-shift fn and sn.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = first value of the path.
    fr = sr = path[0]
    # 6. For each subsequent value c:
    for c in path[1:]:
        if sn == 0:  # a. the path is too long
            return False
        if fn & 1 or fn == sn:  # b.
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1  # c.
        sn >>= 1
    # 7. fr == first_hash, sr == second_hash and sn == 0.
    return sn == 0 and fr == root1 and sr == root2


# ---------------------------------------------------------------------------
# Incremental state
# ---------------------------------------------------------------------------


def _popcount(n: int) -> int:
    return bin(n).count("1")


class CompactRange:
    """The right edge of a tree: enough state to append leaves and compute the root.

    Holds one hash per set bit of ``size``: the roots of the perfect subtrees
    of the size's binary decomposition, largest (leftmost) first.  Those are
    the subtrees ``ranges()`` lists.
    """

    __slots__ = ("size", "_hashes")

    size: int

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        _check_int(size, "size")
        if size < 0:
            raise ValueError("size must be >= 0")
        hashes = [bytes(h) for h in hashes]
        if len(hashes) != _popcount(size):
            raise ValueError(
                f"a compact range of size {size} has {_popcount(size)} hashes, not {len(hashes)}"
            )
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError(f"hashes must be {HASH_SIZE} bytes")
        self.size = size
        self._hashes = hashes

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def ranges(self) -> list[tuple[int, int]]:
        """The ``[start, end)`` leaf range of each stored hash, in order."""
        out = []
        pos = 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                out.append((pos, pos + (1 << bit)))
                pos += 1 << bit
        return out

    def append(self, leaf_hash: bytes) -> None:
        """Add the next leaf (already hashed with ``leaf_hash``)."""
        _check_hash_type(leaf_hash, "leaf_hash")
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        h = bytes(leaf_hash)
        hashes = self._hashes
        s = self.size
        while s & 1:
            h = node_hash(hashes.pop(), h)
            s >>= 1
        hashes.append(h)
        self.size += 1

    def append_with_subtrees(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Like ``append``, and report every perfect subtree this leaf completed.

        Returns ``(start, end, hash)`` triples from the leaf itself
        (``[size, size + 1)``) upwards; storing them all gives a ``get_node``
        table for ``inclusion_proof`` / ``consistency_proof``.
        """
        _check_hash_type(leaf_hash, "leaf_hash")
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        h = bytes(leaf_hash)
        index = self.size
        start, end = index, index + 1
        completed = [(start, end, h)]
        hashes = self._hashes
        s = index
        while s & 1:
            h = node_hash(hashes.pop(), h)
            start -= end - start
            completed.append((start, end, h))
            s >>= 1
        hashes.append(h)
        self.size += 1
        return completed

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for h in leaf_hashes:
            self.append(h)

    def root(self) -> bytes:
        """MTH of the first ``size`` leaves (``EMPTY_ROOT`` when size is 0)."""
        hashes = self._hashes
        if not hashes:
            return EMPTY_ROOT
        acc = hashes[-1]
        for h in reversed(hashes[:-1]):
            acc = node_hash(h, acc)
        return acc

    def to_list(self) -> list[str]:
        """The hashes as lower-case hex strings (store ``size`` alongside)."""
        return [h.hex() for h in self._hashes]

    @classmethod
    def from_list(cls, size: int, hexes: Sequence[str]) -> CompactRange:
        """Inverse of ``to_list``; raises ``ValueError`` on malformed input."""
        if isinstance(hexes, str):
            raise TypeError("hexes must be a sequence of hex strings, not one string")
        hashes = []
        for x in hexes:
            if not isinstance(x, str) or len(x) != 2 * HASH_SIZE:
                raise ValueError(f"not a {HASH_SIZE}-byte hex hash: {x!r}")
            try:
                hashes.append(bytes.fromhex(x))
            except ValueError:
                raise ValueError(f"not a {HASH_SIZE}-byte hex hash: {x!r}") from None
        return cls(size, hashes)

    def copy(self) -> CompactRange:
        return CompactRange(self.size, self._hashes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self.size == other.size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CompactRange(size={self.size}, hashes={len(self._hashes)})"


class MemoryTree:
    """An in-memory log over leaf hashes, keeping every perfect subtree hash.

    For tests and small logs; about ``2 * size`` hashes of memory.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # _levels[j][k] is MTH of leaves [k * 2**j, (k + 1) * 2**j).
        self._levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append(h)

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MemoryTree:
        return cls(leaf_hashes(entries))

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def append(self, leaf_hash: bytes) -> int:
        """Add a leaf hash; returns its index."""
        _check_hash_type(leaf_hash, "leaf_hash")
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        levels = self._levels
        index = len(levels[0])
        levels[0].append(bytes(leaf_hash))
        j = 0
        while len(levels[j]) % 2 == 0:
            row = levels[j]
            if j + 1 == len(levels):
                levels.append([])
            levels[j + 1].append(node_hash(row[-2], row[-1]))
            j += 1
        return index

    def append_entry(self, entry: bytes) -> int:
        return self.append(leaf_hash(entry))

    def get_node(self, start: int, end: int) -> bytes:
        """MTH of leaves ``[start, end)``, ``0 <= start < end <= size``."""
        if not 0 <= start < end <= self.size:
            raise ValueError(f"range [{start}, {end}) is outside the tree of size {self.size}")
        width = end - start
        if width & (width - 1) == 0 and start % width == 0:
            return self._levels[width.bit_length() - 1][start // width]
        try:
            return subtree_hash(start, end, self.get_node)
        except ValueError:
            return root_from_leaf_hashes(self._levels[0][start:end])

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        _check_int(size, "size")
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is outside 0..{self.size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        size = self._size(size)
        if size == 0:
            return EMPTY_ROOT
        return subtree_hash(0, size, self.get_node)

    def compact_range(self, size: int | None = None) -> CompactRange:
        size = self._size(size)
        probe = CompactRange(size, [EMPTY_ROOT] * _popcount(size))
        return CompactRange(size, [self.get_node(lo, hi) for lo, hi in probe.ranges()])

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._size(size), self.get_node)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(size1, self._size(size2), self.get_node)
