"""The layering rule: host/ and stream/ never import each other, nor the application."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def imported_packages(path: Path) -> set[tuple[int, str]]:
    """(line, top-level package) of every import in `path`, inside functions too."""
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize(("library", "forbidden"), [
    ("host", {"stream", "hostcast"}),
    ("stream", {"host", "hostcast"}),
])
def test_a_library_imports_neither_the_other_nor_the_application(
    library: str, forbidden: set[str]
) -> None:
    modules = sorted((REPO / library).rglob("*.py"))
    assert len(modules) > 10, f"no modules found under {library}/"
    crossings = [
        f"{path.relative_to(REPO)}:{line} imports {package}"
        for path in modules
        for line, package in sorted(imported_packages(path))
        if package in forbidden
    ]
    assert crossings == []


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from stream.playout import Playout\n    import host.paths\n")
    assert imported_packages(module) == {(2, "stream"), (3, "host")}
