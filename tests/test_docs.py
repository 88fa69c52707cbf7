"""The documentation site builds with warnings as errors (``mkdocs build --strict``, the README's command),
from the lesson notebooks that tests/test_notebooks.py executed (so they run once per suite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import ROOT, require


def test_site_builds_strict_with_the_executed_lessons(executed_lessons, tmp_path):
    require("mkdocs", "pip install -e '.[docs]'")
    require("mkdocstrings", "pip install -e '.[docs]'")
    require("mkdocs_jupyter", "pip install -e '.[docs]'")
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    for name in executed_lessons:
        shutil.copy(executed_lessons.folder / f"{name}.ipynb", docs / "lessons" / f"{name}.ipynb")
    env = {**os.environ, "LUCIDNET_DOCS_DIR": str(docs), "LUCIDNET_DOCS_EXECUTE": "false",
           "NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                        "-d", str(site)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log
    assert not [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))], log
    assert "execute=False" in log  # the executed notebooks were used, not run a second time
    lesson = (site / "lessons" / "01-neuron-and-delta-rule" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="diagram of Network(2 → 2 → 1' in lesson and "One step of backpropagation" in lesson
    assert "0.9525741268224334" in lesson  # an executed output
    api = (site / "api" / "lucidnet" / "index.html").read_text(encoding="utf-8")
    for name in ("Network", "ProgressBar", "LiveLossPlot", "History.plot", "gradcheck.gradcheck"):
        assert f'id="lucidnet.{name}"' in api, name
    for page, text in (("api/io", 'id="lucidnet.io.save_model"'), ("api/data", 'id="lucidnet.data.read_table"'),
                       ("api/sklearn", 'id="lucidnet.sklearn.NeuralNetClassifier"'),
                       ("benchmarks", "lucidnet benchmark results"), ("examples", "xor_predict.py")):
        assert text in (site / page / "index.html").read_text(encoding="utf-8"), page
