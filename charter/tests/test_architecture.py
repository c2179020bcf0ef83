"""The dependency rule and the 'writes only in actions' rule of docs/architecture.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PURE = ["lib/merkle.py", "lib/canonical.py", "lib/checkpoint.py", "verify.py", "rulebook/spec.py", "rulebook/judge.py", "rulebook/compute.py", "rulebook/explain.py", "rulebook/initiatives.py", "voting/tally.py"]
LOW_MODELS = ["accounts/models.py", "members/models.py", "org/models.py"]
SINKS = ["record", "notices", "progress"]
SINK_MAY_IMPORT = ("charter.lib", "charter.accounts.models", "charter.members.models", "charter.org.models", "charter.record", "charter.notices", "charter.progress")
NO_WRITES_IN = ("views.py", "api.py", "forms.py", "queries.py", "permissions.py", "admin.py", "words.py", "refusal.py")
WRITE = re.compile(r"\.(save|delete|bulk_create|bulk_update|update|create|get_or_create|update_or_create)\(")


def modules() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = ROOT.parent / (node.module.replace(".", "/") + "/" + alias.name)
                out.add(f"{node.module}.{alias.name}" if sub.with_suffix(".py").exists() or sub.is_dir() else node.module)
    return out


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_lib_imports_no_other_part_of_charter():
    for path in (ROOT / "lib").rglob("*.py"):
        if "tests" in path.parts:
            continue
        bad = [m for m in imports_of(path) if m.startswith("charter.") and not m.startswith("charter.lib")]
        assert not bad, f"{rel(path)} imports {bad}"


@pytest.mark.parametrize("name", PURE + [rel(p) for p in (ROOT / "voting" / "counting").glob("*.py")])
def test_pure_modules_import_no_django(name):
    path = ROOT / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    pure = {"charter." + p[:-3].replace("/", ".") for p in PURE}
    bad = [m for m in imports_of(path) if m.startswith(("django", "ninja")) or (m.startswith("charter.") and not (m in pure or m.startswith(("charter.lib.merkle", "charter.lib.canonical", "charter.lib.checkpoint", "charter.voting.counting"))))]
    assert not bad, f"{name} must stay pure but imports {bad}"


@pytest.mark.parametrize("name", LOW_MODELS)
def test_low_models_import_only_lib_and_each_other(name):
    allowed = ("charter.lib", *(f"charter.{m.split('/')[0]}.models" for m in LOW_MODELS))
    bad = [m for m in imports_of(ROOT / name) if m.startswith("charter.") and not m.startswith(allowed)]
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("app", SINKS)
def test_sinks_import_nothing_above_them(app):
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name in ("views.py", "urls.py", "api.py", "words.py", "admin.py"):
            continue
        bad = [m for m in imports_of(path) if m.startswith("charter.") and not m.startswith(SINK_MAY_IMPORT)]
        assert not bad, f"{rel(path)} is a sink but imports {bad}"


def test_nothing_imports_dashboards():
    for path in modules():
        if rel(path) in ("urls.py",) or rel(path).startswith("dashboards/"):
            continue
        assert not [m for m in imports_of(path) if m.startswith("charter.dashboards")], rel(path)


def test_views_api_forms_queries_and_admin_never_write():
    offenders = []
    for path in modules():
        if path.name not in NO_WRITES_IN:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if WRITE.search(code) and "create_response" not in code:
                offenders.append(f"{rel(path)}:{n}: {line.strip()}")
    assert not offenders, "writes outside actions:\n" + "\n".join(offenders)


def test_no_naive_now():
    offenders = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            # the session store reads expiry as Django writes it: in real time, whatever the clock says
            if re.search(r"datetime\.now\(\)|datetime\.utcnow\(|timezone\.now\(", line) and rel(path) not in ("lib/clock.py", "accounts/sessions.py"):
                offenders.append(f"{rel(path)}:{n}")
    assert not offenders, "use charter.lib.clock: " + ", ".join(offenders)


def test_api_schemas_have_unique_names():
    """The API root mounts every app's router into one OpenAPI document, whose schema names are
    global: two classes of one name would make one operation describe the other's answer."""
    seen: dict[str, str] = {}
    clashes = []
    for path in sorted(ROOT.glob("*/api.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", getattr(b, "attr", "")) in ("Schema",)
                or getattr(b, "id", "") in seen
                for b in node.bases
            ):
                if node.name in seen:
                    clashes.append(f"{node.name}: {seen[node.name]} and {rel(path)}")
                seen[node.name] = rel(path)
    assert not clashes, clashes


def test_the_api_root_names_no_app():
    """charter/api.py mounts the routers it discovers: importing one by name would make the root
    (and everything that imports it) depend on that app, the dashboards included."""
    bad = [
        m
        for m in imports_of(ROOT / "api.py")
        if m.startswith("charter.") and m.split(".")[1] not in ("lib", "rulebook")
    ]
    assert not bad, bad
