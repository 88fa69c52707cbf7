"""Writes docs/notebook.png, the README's picture of a lesson in Jupyter: two cells of lesson 1 executed in a
kernel, exported with nbconvert's JupyterLab template, photographed by headless Debian chromium (Playwright,
/usr/bin/chromium; no browser is downloaded).

Run: .venv/bin/python docs/make_screenshot.py   (needs the docs extra and playwright)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CELLS = [
    """import lucidnet as ln
from lucidnet.neuron import Neuron, network_from_neurons

net = network_from_neurons([[Neuron([0, 1], 0), Neuron([0, 1], 0)], [Neuron([0, 1], 0)]], loss="half_sse")
step = net.trace([[2.0, 3.0]], [1.0], lr=0.1)   # one forward and backward pass, x = [2, 3], y = 1
net""",
    "step.to_html(weight=(1, 2, 2))   # the chain rule of w₂₂⁽¹⁾",
]


def main(out: Path = HERE / "notebook.png") -> Path:
    book = nbformat.v4.new_notebook()
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}}
    book.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    with tempfile.TemporaryDirectory() as folder:
        NotebookClient(book, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
        html, _ = HTMLExporter(template_name="lab").from_notebook_node(book)
        page = Path(folder) / "lesson.html"
        page.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            tab = browser.new_page(viewport={"width": 1180, "height": 900}, device_scale_factor=1)
            tab.goto(page.as_uri())
            tab.add_style_tag(content="body{padding:8px 16px !important} .jp-Notebook{padding:0 !important}")
            tab.locator("main, body").first.screenshot(path=str(out))
            browser.close()
    return out


if __name__ == "__main__":
    print(main())
