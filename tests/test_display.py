"""Rich display: every object a learner meets draws itself as HTML/SVG from the engine's own numbers, escapes
what it embeds, keeps its text repr for a terminal, and needs nothing beyond NumPy."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import ROOT, require

import lucidnet as ln
from lucidnet.display.diagram import network_html, network_svg
from lucidnet.display.history import history_html
from lucidnet.display.style import fmt, value_colour, weight_stroke
from lucidnet.io import ModelBundle, Preprocessing
from lucidnet.neuron import Neuron, network_from_neurons

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0.0, 1.0, 1.0, 0.0])


def lesson_net() -> ln.Network:
    """The neuron lesson's 2-2-1 network: every weight [0, 1], every bias 0, E = ½·(o − y)²."""
    return network_from_neurons([[Neuron([0, 1], 0), Neuron([0, 1], 0)], [Neuron([0, 1], 0)]], loss="half_sse")


def svg_root(markup: str) -> ET.Element:
    """The first <svg> of ``markup`` parsed as XML: it must be well formed."""
    start = markup.index("<svg")
    return ET.fromstring(markup[start:markup.index("</svg>", start) + len("</svg>")])


NS = "{http://www.w3.org/2000/svg}"


def test_colours_and_widths_are_the_playgrounds():
    css = (ROOT / "src/lucidnet/playground/static/app.js").read_text(encoding="utf-8")
    assert "NEG = [245, 147, 34], MID = [232, 234, 235], POS = [8, 119, 189]" in css
    assert value_colour(-1) == "rgb(245,147,34)" and value_colour(1) == "rgb(8,119,189)"
    assert weight_stroke(2.0) == ("rgb(8,119,189)", pytest.approx(0.5 + 1.1 * 2.0))
    assert weight_stroke(-9.0) == ("rgb(245,147,34)", pytest.approx(0.5 + 1.1 * 5.0))  # capped at |w| = 5


def test_network_diagram_draws_every_neuron_and_link_with_its_weight():
    net = ln.Network([ln.Dense(3, 4, "tanh", init=np.arange(12.0).reshape(3, 4) - 6), ln.Dense(4, 1)], seed=0)
    root = svg_root(network_svg(net, sample=None))
    assert len(root.findall(f".//{NS}circle")) == 3 + 4 + 1
    links = root.findall(f".//{NS}line")
    assert len(links) == 3 * 4 + 4 * 1
    first = links[0]  # w₁₁⁽¹⁾ = −6: orange, the widest
    assert first.get("stroke") == "rgb(245,147,34)" and float(first.get("stroke-width")) == pytest.approx(6.0)
    assert first.find(f"{NS}title").text == "w₁₁⁽¹⁾ = -6"
    assert links[6].find(f"{NS}title").text == "w₂₃⁽¹⁾ = 0" and links[6].get("stroke") == "rgb(8,119,189)"
    html = network_html(net)
    assert "Network(3 → 4 → 1, loss=mse, dtype=float64)" in html and "21 parameters" in html
    assert "tanh · 4 units" in html and net._repr_html_() == str(html)


def test_network_diagram_shows_net_o_delta_of_the_traced_sample():
    net = lesson_net()
    assert "δ = " not in net._repr_html_()  # no pass yet: weights only
    t = net.trace([[2.0, 3.0]], [1.0])
    html = net._repr_html_()
    out = t.layers[1]
    for text in (f"net = {fmt(out.net[0, 0], 4)}", f"o = {fmt(out.o[0, 0], 4)}", f"δ = {fmt(out.delta[0, 0], 4)}",
                 "x₂ = 3", "net = 3", "δ = -0.002526"):
        assert text in html, text
    assert "of sample 0 of the last pass (1 sample)" in html
    net.forward(np.array([[1.0, 0.0], [4.0, 5.0]]))
    html = str(network_html(net, sample=1))
    assert "x₁ = 4" in html and "δ = " not in html  # δ of the last backward pass had another batch: not shown
    with pytest.raises(ValueError, match=r"sample must be in 0 … 1 \(the last pass had 2 rows\), got 2"):
        network_html(net, sample=2)


def test_the_diagrams_sample_check_words_the_traces_errors_too():
    """diagram.check_sample with trace's wording raises exactly trace.check_sample's errors."""
    from lucidnet.display.diagram import check_sample
    from lucidnet.trace import check_sample as trace_check_sample

    record = lesson_net().trace([[2.0, 3.0], [1.0, 0.0]], [1.0, 0.0])
    for bad in (2, -1, True, 1.0, "0"):
        with pytest.raises((TypeError, ValueError)) as traced:
            trace_check_sample(record, bad)
        with pytest.raises(type(traced.value)) as drawn:
            check_sample(bad, record.n, "the batch has")
        assert str(drawn.value) == str(traced.value)
    assert check_sample(np.int64(1), record.n, "the batch has") == trace_check_sample(record, np.int64(1)) == 1


def test_wide_layers_are_cut_and_say_how_many_are_hidden():
    net = ln.Network([ln.Dense(40, 30, "relu"), ln.Dropout(0.5), ln.Dense(30, 3, "softmax")], loss="cross_entropy",
                     seed=0)
    html = str(network_html(net, max_units=8))
    root = svg_root(html)
    assert len(root.findall(f".//{NS}circle")) == 8 + 8 + 3
    assert len(root.findall(f".//{NS}line")) == 8 * 8 + 8 * 3
    assert "… 32 more" in html and "… 22 more" in html and "Dropout(p=0.5) · softmax · 3 units" in html


def test_trace_html_tables_hold_the_engine_numbers_and_the_chain_rule():
    t = lesson_net().trace([[2.0, 3.0]], [1.0], lr=0.1)
    html = t._repr_html_()
    hidden, out = t.layers
    for v in (out.net[0, 0], out.o[0, 0], out.delta[0, 0], hidden.delta[0, 1], hidden.grad_W[1, 1],
              hidden.update_W[1, 1], out.grad_b[0], t.dE_do[0, 0], hidden.derivative[0, 0]):
        assert f">{fmt(v)}</td>" in html, v
    for head in ("net_j⁽¹⁾", "δ_j = ∂E/∂net_j", "∂E/∂W⁽²⁾", "−η·∂E/∂W⁽¹⁾", "0 (b)", "E = <b>0.0387442</b>"):
        assert head in html, head
    chosen = t.to_html(weight=(1, 2, 2))
    chain = t.to_text(weight=(1, 2, 2))
    assert "The chain rule for w₂₂⁽¹⁾" in chosen
    assert chain[chain.index("Chain rule for"):].splitlines()[1].replace(">", "&gt;") in chosen
    assert chosen.count("outline:2px") == 3  # the chosen weight outlined in W, ∂E/∂W and −η·∂E/∂W of layer 1
    with pytest.raises(ValueError, match="weight i must be in 0 … 2 for layer 1"):
        t.to_html(weight=(1, 3, 1))
    with pytest.raises(ValueError, match="sample must be in 0 … 0"):
        t.to_html(sample=1)


def test_trace_html_cuts_wide_layers():
    net = ln.Network([ln.Dense(20, 15, "tanh"), ln.Dense(15, 1)], loss="half_sse", seed=0)
    html = net.trace(np.ones((2, 20)), [0.0, 1.0]).to_html(max_items=5)
    assert "… 10 more units not shown" in html and "… 15 more inputs not shown" in html


def test_gradcheck_report_html():
    report = ln.gradcheck(lesson_net(), [[2.0, 3.0]], [1.0])
    html = report._repr_html_()
    assert "passed" in html and html.count(">ok</td>") == 4 and "W1" in html and "(2, 2)" in html
    svg_root(html)
    bad = ln.GradcheckReport(rows=[{"parameter": "W1", "shape": [2, 2], "checked": 4, "rel_error": 0.3,
                                    "max_abs_error": 0.1}], tol=1e-6, eps=1e-6)
    assert ">FAILED</td>" in bad._repr_html_() and "FAILED" in str(bad)


def test_diagnostics_report_and_callback_html():
    diag = ln.Diagnostics()
    assert "no report yet" in diag._repr_html_()
    net = ln.Network([ln.Dense(2, 4, "relu", bias_init=-10.0), ln.Dense(4, 1)], seed=0)
    net.fit(X, Y, epochs=5, callbacks=[diag])
    html = diag._repr_html_()
    assert html == diag.report._repr_html_()
    assert "dead_relus" in html and "4 of 4 relu units output 0" in html
    assert diag.report.findings[0].fix in html.replace("&#x27;", "'")
    assert "ρ = ‖∂E/∂W‖/‖W‖ per layer and epoch" in html and "100%" in html


def test_history_chart_and_plot():
    h = ln.Network([ln.Dense(2, 3, "tanh"), ln.Dense(3, 1)], seed=0).fit(
        X, Y, epochs=30, validation_data=(X, Y), metrics=["accuracy"])
    html = h._repr_html_()
    root = svg_root(html)
    assert len(root.findall(f".//{NS}polyline")) == 2  # loss and val_loss in the first chart
    assert "metrics per epoch" in html and "30 epochs" in html and f"loss {fmt(h.loss[-1], 4)}" in html
    assert "<polyline" in str(history_html(h.to_dict()))  # a model file's record draws the same
    require("matplotlib", "pip install 'lucidnet[plot]'")
    from matplotlib.figure import Figure

    fig = h.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [line.get_label() for line in fig.axes[0].lines] == ["training loss", "validation loss"]
    assert list(fig.axes[0].lines[0].get_ydata()) == h.loss


def test_history_plot_draws_the_loss_panel_of_lucidnet_plot():
    """History.plot()'s first panel is plots.plot_loss's: the same lines, the best epoch in the legend, log y."""
    require("matplotlib", "pip install 'lucidnet[plot]'")
    from lucidnet.plots import plot_loss

    h = ln.History()
    for e in range(6):
        h.append({"loss": 10.0 ** -e, "val_loss": 2 * 10.0 ** -e, "accuracy": e / 5})
    h.best_epoch = 3
    panel = h.plot().axes[0]
    alone = plot_loss(h.to_dict()).axes[0]
    for ax in (panel, alone):
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["training loss", "validation loss", "best epoch (4)"]
        assert ax.get_yscale() == "log" and ax.get_title() == "Loss per epoch" and ax.get_ylabel() == "loss E"
    assert [list(line.get_ydata()) for line in panel.lines[:2]] == [list(line.get_ydata()) for line in alone.lines[:2]]


def test_history_plot_without_matplotlib(monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    h = ln.History()
    h.append({"loss": 1.0})
    with pytest.raises(ImportError, match=r"install lucidnet\[plot\] \(pip install 'lucidnet\[plot\]'\)"):
        h.plot()


def test_every_embedded_string_is_escaped():
    h = ln.History()
    for v in (1.0, 0.5):
        h.append({"loss": v, "<script>alert(1)</script>": v})
    html = h._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    std = ln.Standardizer().fit(np.array([[1.0, 2.0], [3.0, 5.0]]))
    pre = Preprocessing(task="classification", feature_names=['<img src=x onerror="1">', "b&c"], x_scaler=std,
                        classes=["<no>", "yes"])
    bundle = ModelBundle(network=ln.Network([ln.Dense(2, 1, "sigmoid")], loss="bce", seed=0), preprocessing=pre,
                         history=h.to_dict(), options={"train": {"epochs": 2, "note": "</table>"}})
    html = bundle._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=&quot;1&quot;&gt;" in html and "b&amp;c" in html
    assert "&lt;no&gt;" in html and "&lt;/table&gt;" in html and "<script>" not in html
    assert "x&#x27; = (x − mean) / scale" in html and ">1.4142</td>" not in html and ">1</td>" in html
    svg_root(html)


def test_model_bundle_html_from_a_saved_model(tmp_path):
    net = ln.Network([ln.Dense(2, 3, "tanh"), ln.Dense(3, 1)], seed=0)
    history = net.fit(X, Y, epochs=5)
    std = ln.Standardizer().fit(X)
    path = ln.save_model(net, tmp_path / "m.safetensors",
                         preprocessing=Preprocessing(task="regression", feature_names=["size", "rooms"],
                                                     x_scaler=std), history=history.to_dict())
    html = ln.load_model(path)._repr_html_()
    assert 'aria-label="diagram of Network(2 → 3 → 1' in html and "task: regression" in html
    assert ">size</td>" in html and "loss E per epoch" in html


def test_text_repr_in_a_terminal_is_unchanged():
    net = lesson_net()
    assert repr(net) == "Network(2 → 2 → 1, loss=half_sse, dtype=float64)"
    t = net.trace([[2.0, 3.0]], [1.0])
    assert repr(t).startswith("Trace(Network(2 → 2 → 1") and str(t) == repr(t)
    summary = net.summary()
    assert isinstance(summary, str) and repr(summary) == summary and summary.splitlines()[0].startswith("layer")
    assert "<pre" in summary._repr_html_()


def test_live_loss_plot_outside_a_notebook_draws_nothing_and_checks_its_rate():
    live = ln.LiveLossPlot()
    ln.Network([ln.Dense(2, 1)], seed=0).fit(X, Y, epochs=3, callbacks=[live])
    assert live.handle is None and live.draws == 0
    with pytest.raises(ValueError, match="max_rate must be a number > 0"):
        ln.LiveLossPlot(max_rate=0)


def test_live_loss_plot_updates_one_output_in_a_kernel(tmp_path):
    from conftest import execute_notebook

    nbformat = require("nbformat", "pip install -e '.[test]'")
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(
        "import lucidnet as ln\n"
        "live = ln.LiveLossPlot(max_rate=1, clock=iter(range(10**6)).__next__)  # a second between calls\n"
        "h = ln.Network([ln.Dense(2, 1)], seed=0).fit([[0, 1], [1, 0]], [0, 1], epochs=20, callbacks=[live])\n"
        "print(live.draws)")]
    path = tmp_path / "live.ipynb"
    nbformat.write(book, path)
    outputs = execute_notebook(path, tmp_path).cells[0].outputs
    shown = [o for o in outputs if o.output_type == "display_data"]
    assert len(shown) == 1 and "loss E per epoch" in shown[0]["data"]["text/html"]  # one area, updated in place
    assert shown[0]["metadata"] == {} and outputs[-1]["text"].strip() == "21"  # 20 epochs and the end of training


def test_sklearn_estimator_html_shows_the_fitted_network():
    require("sklearn", "pip install 'lucidnet[sklearn]'")
    from lucidnet.sklearn import NeuralNetRegressor

    est = NeuralNetRegressor((3,), max_iter=5, random_state=0)
    assert "diagram of Network" not in est._repr_html_()
    est.fit(X, Y)
    html = est._repr_html_()
    assert "NeuralNetRegressor" in html and 'aria-label="diagram of Network(2 → 3 → 1' in html
    assert 'aria-label="diagram of Network(2 → 3 → 1' in est._repr_mimebundle_()["text/html"]
    assert "diagram of Network" in est.network_._repr_html_()


def test_drawings_need_nothing_beyond_numpy():
    code = (
        "import sys\n"
        "for name in ('matplotlib', 'IPython', 'tqdm', 'sklearn', 'scipy', 'pandas', 'torch'):\n"
        "    sys.modules[name] = None\n"
        "import numpy as np, lucidnet as ln\n"
        "net = ln.Network([ln.Dense(2, 3, 'tanh'), ln.Dense(3, 1)], seed=0)\n"
        "h = net.fit([[0, 1], [1, 0]], [0, 1], epochs=3, callbacks=[ln.LiveLossPlot()])\n"
        "t = net.trace([[0, 1], [1, 0]], [0, 1])\n"
        "check = ln.gradcheck(net, [[0, 1]], [0])\n"
        "parts = [net._repr_html_(), t._repr_html_(), h._repr_html_(), check._repr_html_()]\n"
        "print(all('<svg' in p or '<table' in p for p in parts), sum(map(len, parts)) > 5000)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.split() == ["True", "True"], r.stderr


def test_no_display_module_imports_above_the_core():
    """lucidnet.display imports only itself: the classes it draws import it, so it must not import them
    (type-checking imports aside)."""
    for path in (ROOT / "src/lucidnet/display").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        checking = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                    and getattr(node.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and id(node) not in checking and node.level:
                target = (node.module or "").split(".")[0]
                assert (node.level, target) in {(1, "style"), (1, "svg"), (1, "diagram"), (1, "history")}, (
                    path.name, node.level, node.module)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("lucidnet") for a in node.names), path.name
