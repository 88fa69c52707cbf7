"""The import rules of docs/architecture.md: its layer table, no import circle, NumPy only below the front ends.

The layers are read from the page itself, so the page and the code cannot drift apart: a new module must be
put in a layer there, and an import that goes down the table (to a higher layer number) fails here.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lucidnet"
#: packages the layers 0-5 may import at module level: NumPy and the standard library (tomli backs tomllib)
ALLOWED_THIRD_PARTY = {"numpy"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _layers() -> dict[str, int]:
    """Module name -> layer, from the table after the ``<!-- layers`` marker of docs/architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text[text.index("<!-- layers"):].split("\n\n")[0]
    rows = [line for line in table.splitlines() if re.match(r"\| \d+ \|", line)]
    assert rows, "docs/architecture.md has no layer table"
    layers: dict[str, int] = {}
    for row in rows:
        number, patterns = row.split("|")[1:3]
        for pattern in re.findall(r"`([^`]+)`", patterns):
            prefix = "lucidnet." + pattern.removesuffix(".*")
            matched = [m for m in MODULES if m == prefix or (pattern.endswith(".*") and m.startswith(prefix + "."))]
            assert matched, f"docs/architecture.md names {pattern!r}, which is no module of lucidnet"
            for m in matched:
                layers[m] = int(number)
    return layers


LAYERS = _layers()


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


class _Imports(ast.NodeVisitor):
    """Every import of a module (function-level ones included), except those under ``if TYPE_CHECKING:``."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        self.lucidnet: set[str] = set()
        self.third_party: dict[str, bool] = {}  # top-level name -> imported at module level
        self.depth = 0

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):
            for n in node.orelse:
                self.visit(n)
            return
        self.generic_visit(node)

    def _function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Try(self, node: ast.Try) -> None:
        # `try: import tomllib / except ImportError: import tomli` is the standard library's own fallback
        self.generic_visit(node)

    def _target(self, name: str) -> None:
        if name == "lucidnet" or name.startswith("lucidnet."):
            while name not in MODULES:
                name = name.rpartition(".")[0]
            self.lucidnet.add(name)
        else:
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top != "tomli":
                self.third_party[top] = self.third_party.get(top, False) or self.depth == 0

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._target(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            base = f"{base}.{node.module}" if node.module else base
        else:
            base = node.module or ""
        if not (base == "lucidnet" or base.startswith("lucidnet.")):
            self._target(base)
            return
        for alias in node.names:
            full = f"{base}.{alias.name}"
            self._target(full if full in MODULES else base)


def _imports(module: str) -> _Imports:
    visitor = _Imports(module)
    visitor.visit(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    return visitor


IMPORTS = {m: _imports(m) for m in MODULES}


def _edges(module: str) -> set[str]:
    """What importing ``module`` runs: each module it imports and the packages above those (their __init__),
    but not lucidnet's root package nor the packages ``module`` itself sits in (already being run)."""
    own = {module.rsplit(".", k)[0] for k in range(module.count(".") + 1)}
    out = set()
    for target in IMPORTS[module].lucidnet:
        parts = target.split(".")
        for k in range(2, len(parts) + 1):
            name = ".".join(parts[:k])
            if name in MODULES and name not in own:
                out.add(name)
    return out - {module}


def test_every_module_is_in_a_layer_of_the_page():
    missing = sorted(m for m in MODULES if m not in LAYERS and m not in ("lucidnet", "lucidnet.__main__"))
    assert not missing, f"put these modules in a layer of docs/architecture.md: {missing}"


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_a_module_imports_only_its_own_layer_and_those_above(module):
    bad = sorted(t for t in IMPORTS[module].lucidnet if t != "lucidnet" and LAYERS.get(t, -1) > LAYERS[module])
    assert not bad, (f"{module} (layer {LAYERS[module]}) imports {bad} "
                     f"(layers {[LAYERS[b] for b in bad]}): see docs/architecture.md")
    assert "lucidnet" not in IMPORTS[module].lucidnet, f"{module} imports the package root: import the module"


def test_no_import_circle_counting_package_inits():
    graph = {m: _edges(m) for m in MODULES if m != "lucidnet"}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("module", sorted(m for m, layer in LAYERS.items() if layer <= 5))
def test_below_the_front_ends_only_numpy_at_import_time(module):
    eager = sorted(name for name, top in IMPORTS[module].third_party.items() if top and name not in ALLOWED_THIRD_PARTY)
    assert not eager, (f"{module} imports {eager} at module level; the core needs NumPy only: import optional "
                       "packages inside the function that needs them, with an install hint")


def test_the_functions_on_a_network_do_not_import_it():
    for name in ("training", "trace", "gradcheck", "diagnostics", "callbacks"):
        assert "lucidnet.network" not in IMPORTS[f"lucidnet.{name}"].lucidnet, name


def test_the_rules_catch_what_they_are_for(tmp_path):
    # the checks themselves must be able to fail: an upward import and a circle, seen by the same machinery
    up = _Imports("lucidnet.activations")
    up.visit(ast.parse("from .network import Network\nimport matplotlib\n"))
    assert up.lucidnet == {"lucidnet.network"} and up.third_party == {"matplotlib": True}
    assert LAYERS["lucidnet.network"] > LAYERS["lucidnet.activations"]
    lazy = _Imports("lucidnet.losses")
    lazy.visit(ast.parse("def f():\n    from .cli import main\nif TYPE_CHECKING:\n    from .io import x\n"))
    assert lazy.lucidnet == {"lucidnet.cli"}  # a lazy import counts; a TYPE_CHECKING one does not


def test_importing_lucidnet_loads_no_optional_package():
    import subprocess

    code = ("import sys, lucidnet, lucidnet.io, lucidnet.data, lucidnet.cli\n"
            "heavy = [m for m in ('matplotlib', 'tqdm', 'onnx', 'onnxruntime', 'torch', 'sklearn', 'starlette', "
            "'uvicorn', 'IPython', 'pandas', 'dask', 'joblib') if m in sys.modules]\nprint(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]", out.stdout
