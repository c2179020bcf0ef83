"""Tests for charter.lib.merkle against RFC 9162 and the reference CT test data."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from charter.lib import merkle
from charter.lib.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryTree,
    consistency_proof,
    consistency_proof_length,
    inclusion_proof,
    inclusion_proof_length,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)


def h(x: str) -> bytes:
    return bytes.fromhex(x)


# ---------------------------------------------------------------------------
# Reference data: the RFC 6962 test vectors shared by certificate-transparency,
# trillian and transparency-dev/merkle (leaves, roots for sizes 0..8, proofs).
# ---------------------------------------------------------------------------

LEAVES = [
    h(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

ROOTS = [
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# (index, size, proof); index is 0-based here.
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


# ---------------------------------------------------------------------------
# An independent implementation: the RFC's recursive definitions, verbatim.
# ---------------------------------------------------------------------------


def ref_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def ref_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return ref_hash(b"")
    if n == 1:
        return ref_hash(b"\x00" + d[0])
    k = ref_k(n)
    return ref_hash(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = ref_k(n)
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = ref_k(n)
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def entries(n: int) -> list[bytes]:
    return [b"entry %d" % i for i in range(n)]


def tree_of(n: int) -> MemoryTree:
    return MemoryTree.from_entries(entries(n))


def flip(b: bytes, bit: int = 0) -> bytes:
    arr = bytearray(b)
    arr[bit // 8] ^= 1 << (bit % 8)
    return bytes(arr)


# ---------------------------------------------------------------------------
# Hashing and roots
# ---------------------------------------------------------------------------


def test_empty_root_is_sha256_of_nothing():
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == ROOTS[0]
    assert root_from_leaf_hashes([]) == EMPTY_ROOT
    assert CompactRange().root() == EMPTY_ROOT
    assert MemoryTree().root() == EMPTY_ROOT


def test_leaf_and_node_hash_domain_separation():
    assert leaf_hash(b"") == ROOTS[1]
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    a, b = leaf_hash(LEAVES[0]), leaf_hash(LEAVES[1])
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest() == ROOTS[2]
    # A leaf whose content is two hashes is not confused with the node above them.
    assert leaf_hash(a + b) != node_hash(a, b)


@pytest.mark.parametrize("n", range(9))
def test_reference_roots(n):
    hashes = [leaf_hash(e) for e in LEAVES[:n]]
    assert root_from_leaf_hashes(hashes) == ROOTS[n]
    assert ref_mth(LEAVES[:n]) == ROOTS[n]
    tree = MemoryTree(hashes)
    assert tree.root() == ROOTS[n]
    assert MemoryTree(leaf_hash(e) for e in LEAVES).root(n) == ROOTS[n]
    cr = CompactRange()
    cr.extend(hashes)
    assert cr.root() == ROOTS[n]


def test_leaf_hashes_helper():
    assert merkle.leaf_hashes(LEAVES) == [leaf_hash(e) for e in LEAVES]


def test_root_from_leaf_hashes_matches_recursive_definition():
    data = entries(130)
    hashes = merkle.leaf_hashes(data)
    for n in range(len(data) + 1):
        assert root_from_leaf_hashes(hashes[:n]) == ref_mth(data[:n]), n


def test_root_from_leaf_hashes_rejects_non_hashes():
    with pytest.raises(ValueError):
        root_from_leaf_hashes([b"short"])
    with pytest.raises(ValueError):
        root_from_leaf_hashes([leaf_hash(b"a"), b"x" * 33])


# ---------------------------------------------------------------------------
# Proof generation against the vectors and the recursive definitions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_vectors(index, size, proof):
    tree = MemoryTree.from_entries(LEAVES)
    assert tree.inclusion_proof(index, size) == proof
    assert ref_path(index, LEAVES[:size]) == proof
    assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, ROOTS[size])
    assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, iter(proof), ROOTS[size])


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY_VECTORS)
def test_consistency_vectors(size1, size2, proof):
    tree = MemoryTree.from_entries(LEAVES)
    assert tree.consistency_proof(size1, size2) == proof
    assert ref_subproof(size1, LEAVES[:size2], True) == proof
    assert verify_consistency(size1, size2, ROOTS[size1], ROOTS[size2], proof)


def test_all_proofs_match_recursive_definitions_up_to_40():
    data = entries(40)
    tree = MemoryTree.from_entries(data)
    for n in range(1, 41):
        for m in range(n):
            assert tree.inclusion_proof(m, n) == ref_path(m, data[:n]), (m, n)
            assert len(tree.inclusion_proof(m, n)) == inclusion_proof_length(m, n)
        for m in range(1, n + 1):
            assert tree.consistency_proof(m, n) == ref_subproof(m, data[:n], True), (m, n)
            assert len(tree.consistency_proof(m, n)) == consistency_proof_length(m, n)


def test_proof_generation_rejects_impossible_requests():
    tree = tree_of(5)
    for index, size in [(0, 0), (5, 5), (6, 5), (-1, 5)]:
        with pytest.raises(ValueError):
            inclusion_proof(index, size, tree.get_node)
    with pytest.raises(ValueError):
        tree.inclusion_proof(0, 6)  # larger than the tree
    with pytest.raises(ValueError):
        consistency_proof(3, 2, tree.get_node)
    with pytest.raises(ValueError):
        consistency_proof(-1, 2, tree.get_node)
    with pytest.raises(TypeError):
        inclusion_proof("0", 5, tree.get_node)


def test_trivial_consistency_proofs_are_empty():
    tree = tree_of(5)
    assert tree.consistency_proof(0, 0) == []
    assert tree.consistency_proof(0, 5) == []
    assert tree.consistency_proof(3, 3) == []
    assert consistency_proof(0, 0, tree.get_node) == []


# ---------------------------------------------------------------------------
# Verification: corrupted inputs (after transparency-dev/merkle's probes)
# ---------------------------------------------------------------------------


def corrupted_inclusion(index, size, proof, root, leaf):
    probes = [
        ("index - 1", index - 1, size, root, leaf, proof),
        ("index + 1", index + 1, size, root, leaf, proof),
        ("index ^ 2", index ^ 2, size, root, leaf, proof),
        ("size * 2", index, size * 2, root, leaf, proof),
        ("size // 2", index, size // 2, root, leaf, proof),
        ("wrong leaf", index, size, root, leaf_hash(b"WrongLeaf"), proof),
        ("empty root", index, size, EMPTY_ROOT, leaf, proof),
        ("random root", index, size, SOME_HASH, leaf, proof),
        ("trailing garbage", index, size, root, leaf, [*proof, SOME_HASH]),
        ("trailing root", index, size, root, leaf, [*proof, root]),
        ("preceding garbage", index, size, root, leaf, [SOME_HASH, *proof]),
        ("preceding root", index, size, root, leaf, [root, *proof]),
        ("short hash element", index, size, root, leaf, [*proof, b""]),
    ]
    for bit in (0, 3, 100, 255):
        probes.append((f"leaf bit {bit}", index, size, root, flip(leaf, bit), proof))
        probes.append((f"root bit {bit}", index, size, flip(root, bit), leaf, proof))
    for i in range(len(proof)):
        for bit in (3, 200):
            wrong = list(proof)
            wrong[i] = flip(wrong[i], bit)
            probes.append((f"proof[{i}] bit {bit}", index, size, root, leaf, wrong))
    if proof:
        probes.append(("removed last", index, size, root, leaf, proof[:-1]))
        probes.append(("removed first", index, size, root, leaf, proof[1:]))
    if len(proof) > 1:
        probes.append(("inserted", index, size, root, leaf, [proof[0], SOME_HASH, *proof[1:]]))
        probes.append(("swapped", index, size, root, leaf, [proof[1], proof[0], *proof[2:]]))
    return probes


def assert_inclusion_robust(index, size, proof, root, leaf):
    assert verify_inclusion(leaf, index, size, proof, root)
    accepted = [
        desc
        for desc, i, n, r, lf, p in corrupted_inclusion(index, size, proof, root, leaf)
        if (i, n, r, lf, p) != (index, size, root, leaf, proof) and verify_inclusion(lf, i, n, p, r)
    ]
    assert accepted == []


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_vectors_reject_corruption(index, size, proof):
    assert_inclusion_robust(index, size, proof, ROOTS[size], leaf_hash(LEAVES[index]))


def test_every_leaf_bit_flip_fails_when_the_proof_is_empty():
    # The classic bug: with index 0 in a 1-leaf tree the proof is empty and a
    # verifier that never compares the leaf with the root accepts anything.
    leaf = leaf_hash(b"only entry")
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    for bit in range(256):
        assert not verify_inclusion(flip(leaf, bit), 0, 1, [], leaf), bit
        assert not verify_inclusion(leaf, 0, 1, [], flip(leaf, bit)), bit


def test_inclusion_edge_cases():
    leaf = leaf_hash(b"data")
    # Nothing is included in the empty tree, whatever the root.
    for index, size in [(0, 0), (1, 0), (2, 1), (1, 1), (5, 3)]:
        assert not verify_inclusion(leaf, index, size, [], leaf)
        assert not verify_inclusion(leaf, index, size, [], EMPTY_ROOT)
    assert not verify_inclusion(leaf, -1, 1, [], leaf)
    # Wrong-length leaf or root.
    assert not verify_inclusion(b"", 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [], b"")
    assert not verify_inclusion(leaf + b"\x00", 0, 1, [], leaf + b"\x00")
    # Wrong types are programming errors.
    with pytest.raises(TypeError):
        verify_inclusion(leaf.hex(), 0, 1, [], leaf)
    with pytest.raises(TypeError):
        verify_inclusion(leaf, 0, "1", [], leaf)
    # bytearray / memoryview are fine.
    assert verify_inclusion(bytearray(leaf), 0, 1, [], memoryview(leaf))


def test_tree_size_is_authenticated_only_together_with_the_root():
    # RFC 9162 verification binds the size only through the root: where two
    # sizes give the path the same shape, one proof fits both sizes for the
    # same root.  Index 1 has the same path shape in trees of 5..8 leaves.
    # Size and root must therefore come from the same signed checkpoint.
    proof5 = MemoryTree.from_entries(LEAVES).inclusion_proof(1, 5)
    leaf1 = leaf_hash(LEAVES[1])
    assert verify_inclusion(leaf1, 1, 5, proof5, ROOTS[5])
    assert verify_inclusion(leaf1, 1, 8, proof5, ROOTS[5])  # inherent, not a bug
    for size in (6, 7, 8):  # with each size's real root it fails
        assert not verify_inclusion(leaf1, 1, size, proof5, ROOTS[size])
    for size in (2, 3, 4, 9, 10, 16):  # other shapes fail outright
        assert not verify_inclusion(leaf1, 1, size, proof5, ROOTS[5])


def test_inclusion_proof_far_too_long_fails_fast():
    tree = tree_of(8)
    proof = tree.inclusion_proof(3, 8) + [SOME_HASH] * 100_000
    assert not verify_inclusion(tree.leaf(3), 3, 8, proof, tree.root())


CONSISTENCY_TABLE = [
    # (size1, size2, root1, root2, proof, valid)
    (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
    (0, 0, SOME_HASH, SOME_HASH, [], False),  # the empty tree has exactly one root
    (0, 0, EMPTY_ROOT, SOME_HASH, [], False),
    (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    (0, 1, EMPTY_ROOT, ROOTS[1], [], True),
    (0, 8, EMPTY_ROOT, ROOTS[8], [], True),
    (0, 8, EMPTY_ROOT, SOME_HASH, [], True),  # size 0 says nothing about root2
    (0, 8, SOME_HASH, ROOTS[8], [], False),  # ... but root1 must be the empty root
    (0, 8, flip(EMPTY_ROOT), ROOTS[8], [], False),
    (0, 1, EMPTY_ROOT, ROOTS[1], [EMPTY_ROOT], False),  # no proof needed, none accepted
    (0, 8, EMPTY_ROOT, ROOTS[8], [ROOTS[8]], False),
    (1, 1, ROOTS[1], ROOTS[1], [], True),
    (1, 1, ROOTS[1], ROOTS[2], [], False),
    (1, 1, ROOTS[1], ROOTS[1], [EMPTY_ROOT], False),
    (8, 8, ROOTS[8], ROOTS[8], [], True),
    (8, 8, ROOTS[8], flip(ROOTS[8]), [], False),
    (1, 0, ROOTS[1], EMPTY_ROOT, [], False),  # logs do not shrink
    (2, 1, ROOTS[2], ROOTS[1], [], False),
    (8, 5, ROOTS[8], ROOTS[5], [], False),
    (1, 2, ROOTS[1], ROOTS[2], [], False),  # RFC step 1: empty proof fails
    (4, 8, ROOTS[4], ROOTS[8], [], False),
    (-1, 2, ROOTS[1], ROOTS[2], [], False),
    (1, 2, ROOTS[1][:31], ROOTS[2], [leaf_hash(LEAVES[1])], False),
    (1, 2, ROOTS[1], ROOTS[2], [leaf_hash(LEAVES[1])], True),
]


@pytest.mark.parametrize(("size1", "size2", "root1", "root2", "proof", "valid"), CONSISTENCY_TABLE)
def test_consistency_edge_cases(size1, size2, root1, root2, proof, valid):
    assert verify_consistency(size1, size2, root1, root2, proof) is valid


def corrupted_consistency(size1, size2, root1, root2, proof):
    probes = [
        ("size1 - 1", size1 - 1, size2, root1, root2, proof),
        ("size1 + 1", size1 + 1, size2, root1, root2, proof),
        ("size1 ^ 2", size1 ^ 2, size2, root1, root2, proof),
        ("size2 * 2", size1, size2 * 2, root1, root2, proof),
        ("size2 // 2", size1, size2 // 2, root1, root2, proof),
        ("wrong root1", size1, size2, SOME_HASH, root2, proof),
        ("wrong root2", size1, size2, root1, SOME_HASH, proof),
        ("swapped roots", size1, size2, root2, root1, proof),
        ("empty proof", size1, size2, root1, root2, []),
        ("trailing garbage", size1, size2, root1, root2, [*proof, SOME_HASH]),
        ("trailing root1", size1, size2, root1, root2, [*proof, root1]),
        ("trailing root2", size1, size2, root1, root2, [*proof, root2]),
        ("preceding garbage", size1, size2, root1, root2, [SOME_HASH, *proof]),
        ("preceding root1", size1, size2, root1, root2, [root1, *proof]),
        ("preceding root2", size1, size2, root1, root2, [root2, *proof]),
        ("preceding proof[0]", size1, size2, root1, root2, [proof[0], *proof]),
        ("truncated", size1, size2, root1, root2, proof[:-1]),
    ]
    for bit in (4, 77, 255):
        probes.append((f"root1 bit {bit}", size1, size2, flip(root1, bit), root2, proof))
        probes.append((f"root2 bit {bit}", size1, size2, root1, flip(root2, bit), proof))
    for i in range(len(proof)):
        for bit in (4, 130):
            wrong = list(proof)
            wrong[i] = flip(wrong[i], bit)
            probes.append((f"proof[{i}] bit {bit}", size1, size2, root1, root2, wrong))
    return probes


@pytest.mark.parametrize(("size1", "size2", "proof"), [v for v in CONSISTENCY_VECTORS if v[2]])
def test_consistency_vectors_reject_corruption(size1, size2, proof):
    root1, root2 = ROOTS[size1], ROOTS[size2]
    assert verify_consistency(size1, size2, root1, root2, proof)
    accepted = [
        desc
        for desc, m, n, r1, r2, p in corrupted_consistency(size1, size2, root1, root2, proof)
        if verify_consistency(m, n, r1, r2, p)
    ]
    assert accepted == []


def test_consistency_types():
    with pytest.raises(TypeError):
        verify_consistency(1, 2, ROOTS[1].hex(), ROOTS[2], [])
    with pytest.raises(TypeError):
        verify_consistency(1.0, 2, ROOTS[1], ROOTS[2], [])


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------

MAX_SIZE = 300
_BIG_TREE = tree_of(MAX_SIZE + 1)


@st.composite
def size_and_index(draw):
    size = draw(st.integers(1, MAX_SIZE))
    index = draw(st.integers(0, size - 1))
    return size, index


@settings(max_examples=300, deadline=None)
@given(size_and_index(), st.data())
def test_every_inclusion_proof_verifies_and_every_mutation_fails(si, data):
    size, index = si
    tree = _BIG_TREE
    root = tree.root(size)
    leaf = tree.leaf(index)
    proof = tree.inclusion_proof(index, size)
    assert verify_inclusion(leaf, index, size, proof, root)

    kind = data.draw(
        st.sampled_from(["leaf", "root", "proof", "index", "size", "drop", "add", "other-leaf"])
    )
    bit = data.draw(st.integers(0, 255))
    i, n, r, lf, p = index, size, root, leaf, list(proof)
    if kind == "leaf":
        lf = flip(leaf, bit)
    elif kind == "root":
        r = flip(root, bit)
    elif kind == "proof":
        assume(proof)
        j = data.draw(st.integers(0, len(proof) - 1))
        p[j] = flip(p[j], bit)
    elif kind == "index":
        i = data.draw(st.integers(0, size + 2).filter(lambda x: x != index))
    elif kind == "size":
        # Another tree size, checked against that size's own root (a size
        # and root from one checkpoint), or the same root with a size the
        # index does not fit in.
        n = data.draw(st.integers(0, MAX_SIZE + 1).filter(lambda x: x != size))
        r = tree.root(n) if n > index else root
    elif kind == "drop":
        assume(proof)
        p.pop(data.draw(st.integers(0, len(proof) - 1)))
    elif kind == "add":
        p.insert(
            data.draw(st.integers(0, len(proof))), data.draw(st.binary(min_size=32, max_size=32))
        )
    else:
        other = data.draw(st.integers(0, size - 1).filter(lambda x: x != index))
        lf = tree.leaf(other)
    assert not verify_inclusion(lf, i, n, p, r)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, MAX_SIZE), st.integers(0, MAX_SIZE), st.data())
def test_every_consistency_proof_verifies_and_not_against_other_roots(a, b, data):
    m, n = min(a, b), max(a, b)
    tree = _BIG_TREE
    root1, root2 = tree.root(m), tree.root(n)
    proof = tree.consistency_proof(m, n)
    assert verify_consistency(m, n, root1, root2, proof)
    assert len(proof) == consistency_proof_length(m, n)

    # Against the root of a different tree size, or a tampered root: fails.
    # (For m == 0, root1 must be EMPTY_ROOT, so a wrong root1 fails too.)
    other = data.draw(st.integers(0, MAX_SIZE + 1).filter(lambda x: x not in (m, n)))
    assert not verify_consistency(m, n, tree.root(other), root2, proof)
    assert not verify_consistency(m, n, flip(root1, data.draw(st.integers(0, 255))), root2, proof)
    if m > 0:  # the empty tree is a prefix of every tree: root2 is unconstrained then
        assert not verify_consistency(m, n, root1, tree.root(other), proof)
        assert not verify_consistency(
            m, n, root1, flip(root2, data.draw(st.integers(0, 255))), proof
        )
        # A different log of the same sizes.
        changed = data.draw(st.integers(0, n - 1))
        hashes = [tree.leaf(i) for i in range(n)]
        hashes[changed] = leaf_hash(b"forged")
        forged = MemoryTree(hashes)
        if changed < m:
            assert not verify_consistency(m, n, forged.root(m), root2, proof)
        assert not verify_consistency(m, n, root1, forged.root(n), proof)
    # Mutating the proof.
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1))
        wrong = list(proof)
        wrong[j] = flip(wrong[j], data.draw(st.integers(0, 255)))
        assert not verify_consistency(m, n, root1, root2, wrong)
        assert not verify_consistency(m, n, root1, root2, proof[:j] + proof[j + 1 :])
        assert not verify_consistency(m, n, root1, root2, [*proof, proof[-1]])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=8), max_size=200))
def test_compact_range_matches_root_for_every_prefix(data):
    hashes = merkle.leaf_hashes(data)
    cr = CompactRange()
    assert cr.root() == root_from_leaf_hashes([])
    for i, lh in enumerate(hashes):
        cr.append(lh)
        assert cr.size == i + 1
        assert len(cr.hashes) == bin(i + 1).count("1")
        assert cr.root() == root_from_leaf_hashes(hashes[: i + 1])
        again = CompactRange.from_list(cr.size, cr.to_list())
        assert again == cr
        assert again.root() == cr.root()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, MAX_SIZE))
def test_compact_range_from_memory_tree_and_subtree_reports(n):
    tree = _BIG_TREE
    cr = tree.compact_range(n)
    assert cr.root() == tree.root(n)
    for (lo, hi), node in zip(cr.ranges(), cr.hashes, strict=True):
        assert node == tree.get_node(lo, hi)
    # append_with_subtrees reports every completed perfect subtree, correctly.
    grow = CompactRange()
    reported = {}
    for i in range(n):
        for lo, hi, node in grow.append_with_subtrees(tree.leaf(i)):
            assert hi == i + 1
            reported[(lo, hi)] = node
    assert grow == cr
    expected = {
        (k << j, (k + 1) << j) for j in range(10) for k in range(n >> j) if (k + 1) << j <= n
    }
    assert set(reported) == expected
    for (lo, hi), node in reported.items():
        assert node == tree.get_node(lo, hi)


def test_compact_range_validation():
    with pytest.raises(ValueError):
        CompactRange(3, [EMPTY_ROOT])  # needs popcount(3) == 2 hashes
    with pytest.raises(ValueError):
        CompactRange(1, [b"short"])
    with pytest.raises(ValueError):
        CompactRange(-1)
    with pytest.raises(ValueError):
        CompactRange.from_list(1, ["zz" * 32])
    with pytest.raises(ValueError):
        CompactRange.from_list(1, ["00" * 31])
    with pytest.raises(ValueError):
        CompactRange.from_list(2, [])
    with pytest.raises(ValueError):
        CompactRange().append(b"short")
    assert CompactRange.from_list(0, []).root() == EMPTY_ROOT
    assert CompactRange.from_list(0, []).to_list() == []
    cr = CompactRange.from_list(1, [leaf_hash(b"").hex().upper()])
    assert cr.root() == ROOTS[1]
    assert cr.to_list() == [ROOTS[1].hex()]


def test_compact_range_copy_is_independent():
    cr = CompactRange()
    cr.append(leaf_hash(b"a"))
    other = cr.copy()
    other.append(leaf_hash(b"b"))
    assert cr.size == 1 and other.size == 2
    assert cr.root() == leaf_hash(b"a")


# ---------------------------------------------------------------------------
# get_node access pattern
# ---------------------------------------------------------------------------


class RecordingNodes:
    """A fake node store for a huge tree: records which ranges are requested."""

    def __init__(self, size: int):
        self.size = size
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, end: int) -> bytes:
        width = end - start
        assert 0 <= start < end <= self.size, (start, end)
        assert width & (width - 1) == 0, f"[{start}, {end}) is not a perfect subtree"
        assert start % width == 0, f"[{start}, {end}) is not aligned"
        self.calls.append((start, end))
        return hashlib.sha256(b"%d:%d" % (start, end)).digest()


@pytest.mark.parametrize("size", [1, 2, 3, 1_000_000, 1_000_003, 2**20, 2**20 + 1, 2**40 - 1])
def test_proofs_on_a_huge_tree_ask_for_log_n_perfect_subtrees(size):
    bound = 2 * max(1, (size - 1).bit_length())
    for index in {0, 1 % size, size // 2, size - 2 if size > 1 else 0, size - 1, 123_457 % size}:
        nodes = RecordingNodes(size)
        proof = inclusion_proof(index, size, nodes)
        assert len(proof) == inclusion_proof_length(index, size)
        assert len(nodes.calls) <= bound, (index, len(nodes.calls))
    for size1 in {min(x, size) for x in (1, 2, size // 3 or 1, size - 1 or 1, size)}:
        nodes = RecordingNodes(size)
        proof = consistency_proof(size1, size, nodes)
        assert len(proof) == consistency_proof_length(size1, size)
        assert len(nodes.calls) <= bound, (size1, len(nodes.calls))


@settings(max_examples=200, deadline=None)
@given(size_and_index(), st.integers(1, MAX_SIZE))
def test_get_node_only_sees_perfect_aligned_ranges(si, size1):
    size, index = si
    size1 = min(size1, size)
    tree = _BIG_TREE

    calls = []

    def get_node(start, end):
        width = end - start
        assert width & (width - 1) == 0 and start % width == 0 and end <= size
        calls.append((start, end))
        return tree.get_node(start, end)

    assert inclusion_proof(index, size, get_node) == tree.inclusion_proof(index, size)
    assert consistency_proof(size1, size, get_node) == tree.consistency_proof(size1, size)


def test_subtree_hash_rejects_ranges_that_are_not_tree_nodes():
    tree = tree_of(10)
    assert subtree_hash(8, 10, tree.get_node) == tree.get_node(8, 10)
    assert subtree_hash(0, 7, tree.get_node) == tree.root(7)
    with pytest.raises(ValueError):
        subtree_hash(1, 4, tree.get_node)
    with pytest.raises(ValueError):
        subtree_hash(3, 3, tree.get_node)


def test_memory_tree_get_node_any_range():
    data = entries(10)
    tree = MemoryTree.from_entries(data)
    for lo in range(10):
        for hi in range(lo + 1, 11):
            assert tree.get_node(lo, hi) == ref_mth(data[lo:hi])
    with pytest.raises(ValueError):
        tree.get_node(0, 11)
    with pytest.raises(ValueError):
        tree.get_node(3, 3)
    with pytest.raises(ValueError):
        tree.root(11)
    assert len(tree) == 10
    assert tree.append_entry(b"more") == 10


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


def test_the_bulk_leaf_hashes_and_root_agree_with_a_bare_hashlib_loop():
    """How fast they are is bench/bench_record.py's business; here only that they agree."""
    data = [i.to_bytes(8, "big") for i in range(5000)]
    bare = [hashlib.sha256(b"\x00" + e).digest() for e in data]
    assert [leaf_hash(e) for e in data] == merkle.leaf_hashes(data) == bare
    edge = merkle.CompactRange()
    for leaf in bare:
        edge.append_with_subtrees(leaf)
    assert edge.root() == root_from_leaf_hashes(bare)
