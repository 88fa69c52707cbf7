"""docs/deploy.md runs: its python blocks are executed and its sh lines run through ``lucidnet.cli.main``, in order,
in one folder, so the page cannot drift from what lucidnet does."""

import contextlib
import io
import re
import shlex
import warnings

import pytest
from conftest import ROOT, require

from lucidnet.cli import main

PAGE = ROOT / "docs" / "deploy.md"


def blocks(text):
    """(language, code) of every fenced block of the page, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.M | re.S)]


def test_the_page_is_linked_from_the_readme_and_the_cli_page():
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(deploy.md)" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_block_of_the_deploy_page_runs(tmp_path, monkeypatch):
    for module in ("onnx", "onnxruntime", "torch", "sklearn"):
        require(module, "pip install -e '.[test]' torch==2.13.0")
    monkeypatch.chdir(tmp_path)
    found = blocks(PAGE.read_text(encoding="utf-8"))
    assert {lang for lang, _ in found} == {"python", "sh", "text"}
    namespace: dict = {}
    ran = 0
    for lang, code in found:
        if lang == "python":
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("error")  # the page shows no warning to its readers either
                exec(compile(code, str(PAGE), "exec"), namespace)
            ran += 1
        elif lang == "sh":
            for line in filter(None, (raw.split("  #")[0].strip() for raw in code.splitlines())):
                words = shlex.split(line)
                assert words[0] == "lucidnet", f"an sh line the test cannot run: {line}"
                with contextlib.redirect_stdout(io.StringIO()):
                    assert main(words[1:]) == 0, line
                ran += 1
    assert ran >= 15
    assert (tmp_path / "penguins.onnx").exists() and (tmp_path / "mlp.onnx").exists()
