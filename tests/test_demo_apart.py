"""The demo stays apart from the product (decision 0097): production installs neither Faker nor caseaudit.demo,
so no other app may lean on them."""

from __future__ import annotations

import ast
import re
import secrets
from pathlib import Path

from tests.test_settings import PRODUCTION, run_caseaudit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "caseaudit"
DEMO = PACKAGE / "demo"
FORBIDDEN = ("faker", "caseaudit.demo")


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, relative imports made absolute, with its line."""
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from caseaudit import demo` imports caseaudit.demo: name each imported name as a module too.
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _forbidden(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in FORBIDDEN)


def test_no_app_outside_the_demo_imports_faker_or_the_demo():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(DEMO):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offences += [
            f"{path.relative_to(ROOT)}:{line} imports {name}"
            for line, name in _imported(tree, path)
            if _forbidden(name)
        ]
    assert offences == []


def test_the_walk_catches_every_form_of_import(tmp_path):
    # The walk above passes on an empty list: prove it would see each way of writing the import.
    source = PACKAGE / "organisation" / "example.py"
    for line in [
        "import faker",
        "from faker import Faker",
        "import caseaudit.demo.organisation",
        "from caseaudit.demo.two_factor import demo_code",
        "from caseaudit import demo",
        "from ..demo import scale",
        "def f():\n    from caseaudit.demo import scale",
    ]:
        assert any(_forbidden(name) for _, name in _imported(ast.parse(line), source)), line
    assert not any(_forbidden(name) for _, name in _imported(ast.parse("from ..demographics import x"), source))


def _requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~!; ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_faker_is_not_a_runtime_requirement():
    assert "faker" not in _requirement_names(ROOT / "requirements.txt")
    assert "faker" in _requirement_names(ROOT / "requirements-demo.txt")


def test_production_settings_install_no_demo_and_refuse_to_be_told_to():
    production = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)}
    listed = run_caseaudit("help", **production)
    assert listed.returncode == 0, listed.stderr
    assert "verify_audit_trail" in listed.stdout and "seed_demo" not in listed.stdout
    refused = run_caseaudit("check", **production, CASEAUDIT_DEMO="true")
    assert refused.returncode == 2
    assert "CASEAUDIT_DEMO cannot be on in production" in refused.stderr
