"""Shared test helpers.

``require(name)`` imports an optional package for a test. Locally a missing package skips the test with the
reason; in CI (``CI=true``) it fails instead, so an oracle test can never be skipped silently there.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import os
from pathlib import Path

import numpy as np
import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parents[1]


def require(module: str, install: str | None = None):
    """Import ``module`` or skip (locally) / fail (CI=true) with how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        hint = install or f"pip install {module}"
        if IN_CI:
            pytest.fail(f"{module} is required in CI but cannot be imported ({exc}); {hint}")
        pytest.skip(f"{module} is not installed ({hint})", allow_module_level=True)


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data (or $LUCIDNET_DATA); skips the test with a reason when it is absent.

    Unlike an optional package, the shared data folder is not something an install step can provide: it lies
    beside the checkout in CI and on developers' machines, and is absent on a user's machine or in a checkout
    elsewhere. Its tests skip there, also with CI=true, and run wherever the folder is.
    """
    base = Path(os.environ["LUCIDNET_DATA"]) if "LUCIDNET_DATA" in os.environ else ROOT.parent / "shared" / "data"
    path = base.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data folder lives beside the project checkout)",
                    allow_module_level=True)
    return path


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """run("train", "--data", ...) -> (exit status, stdout, stderr) of the ``lucidnet`` command, in tmp_path."""
    from lucidnet import cli

    monkeypatch.chdir(tmp_path)

    def _run(*args: object) -> tuple[int, str, str]:
        rc = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return rc, out, err

    return _run


def run_cli(*args: object) -> str:
    """stdout of ``lucidnet ARGS`` (asserting exit status 0)."""
    from lucidnet.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main([str(a) for a in args])
    assert rc == 0, f"lucidnet {' '.join(map(str, args))} exited with {rc}"
    return out.getvalue()


def rows_of(text: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of CSV text."""
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def edited_onnx(exported: Path, tmp_path: Path, edit) -> Path:
    """A copy of the .onnx file ``exported`` with ``edit(proto)`` applied, written to tmp_path/edited.onnx."""
    import onnx

    proto = onnx.load(str(exported))
    edit(proto)
    out = tmp_path / "edited.onnx"
    out.write_bytes(proto.SerializeToString())
    return out


def central_differences(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x_i ≈ (f(x + ε·e_i) − f(x − ε·e_i)) / 2ε for every entry of ``x``, in float64; f returns a scalar."""
    numeric = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        numeric[idx] = (f(plus) - f(minus)) / (2 * eps)
    return numeric


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), the measure gradcheck reports."""
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


@pytest.fixture
def torch():
    t = require("torch", "pip install torch==2.13.0 (the CPU wheel)")
    t.set_default_dtype(t.float64)
    return t


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def torch_activation(torch, act, t):
    """PyTorch's counterpart of a lucidnet activation, applied to tensor ``t`` (samples as rows)."""
    F = torch.nn.functional
    name = act.name
    table = {
        "identity": lambda: t,
        "sigmoid": lambda: torch.sigmoid(t),
        "tanh": lambda: torch.tanh(t),
        "relu": lambda: F.relu(t),
        "leaky_relu": lambda: F.leaky_relu(t, act.alpha),
        "elu": lambda: F.elu(t, act.alpha),
        "softplus": lambda: F.softplus(t),
        "silu": lambda: F.silu(t),
        "gelu": lambda: F.gelu(t, approximate="tanh"),
        "softmax": lambda: torch.softmax(t, dim=1),
        "maxout": lambda: t.view(t.shape[0], -1, act.k).max(dim=2).values,
    }
    return table[name]()


def torch_loss(torch, loss, o, y):
    """PyTorch's counterpart of a lucidnet loss on outputs ``o`` and (one-hot or value) targets ``y``."""
    F = torch.nn.functional
    table = {
        "sse": lambda: ((o - y) ** 2).sum(),
        "half_sse": lambda: 0.5 * ((o - y) ** 2).sum(),
        "mse": lambda: F.mse_loss(o, y),
        "mae": lambda: F.l1_loss(o, y),
        "huber": lambda: F.huber_loss(o, y, delta=getattr(loss, "delta", 1.0)),
        "bce": lambda: F.binary_cross_entropy(o, y),
        "cross_entropy": lambda: -(y * torch.log(o)).sum(dim=1).mean(),
    }
    return table[loss.name]()


# ------------------------------------------------------------------------------------------ the lesson notebooks
LESSONS = ROOT / "docs" / "lessons"


def execute_notebook(path: Path, cwd: Path):
    """Run a notebook top to bottom in a fresh Jupyter kernel (nbclient); an error in any cell raises
    ``nbclient.exceptions.CellExecutionError``. Returns the executed notebook (nbformat)."""
    nbformat = require("nbformat", "pip install -e '.[test]'")
    nbclient = require("nbclient", "pip install -e '.[test]'")
    require("ipykernel", "pip install -e '.[test]'")
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=600, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return book


@pytest.fixture(scope="session")
def executed_lessons(tmp_path_factory):
    """Every notebook of docs/lessons executed once per test session: {stem: notebook}; the files are written
    to a temporary folder (``executed_lessons.folder``) for the documentation build."""
    nbformat = require("nbformat", "pip install -e '.[test]'")
    folder = tmp_path_factory.mktemp("executed_lessons")
    out = {}
    for path in sorted(LESSONS.glob("*.ipynb")):
        book = execute_notebook(path, folder)
        out[path.stem] = book
        nbformat.write(book, folder / path.name)
    return SimpleLessons(out, folder)


class SimpleLessons(dict):
    """The executed lessons by name, with the folder holding the executed files."""

    def __init__(self, items, folder: Path) -> None:
        super().__init__(items)
        self.folder = folder
