"""The lessons as notebooks (docs/lessons/*.ipynb): each runs top to bottom in a real Jupyter kernel, its assert
cells pass, and the numbers its last cell prints are the lesson's, equal to those of the examples/ scripts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import IN_CI, LESSONS, execute_notebook, require
from test_examples import example

NAMES = ["01-neuron-and-delta-rule", "02-gender", "03-xor-tanh", "04-house-prices", "05-xor-sigmoid"]


def test_every_lesson_notebook_is_listed_and_committed_without_outputs():
    nbformat = require("nbformat", "pip install -e '.[test]'")
    assert sorted(p.stem for p in LESSONS.glob("*.ipynb")) == NAMES
    for name in NAMES:
        book = nbformat.read(LESSONS / f"{name}.ipynb", as_version=4)
        nbformat.validate(book)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), f"{name}: outputs not stripped"
        assert sum("results" in c.metadata.get("tags", []) for c in code) == 1


def results(executed, name):
    """The JSON line that the notebook's cell tagged ``results`` printed."""
    book = executed[name]
    cell = next(c for c in book.cells if "results" in c.metadata.get("tags", []))
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    return json.loads(text.strip().splitlines()[-1])


def html_outputs(executed, name):
    book = executed[name]
    return [o["data"]["text/html"] for c in book.cells if c.cell_type == "code" for o in c.outputs
            if o.output_type in ("display_data", "execute_result") and "text/html" in o.get("data", {})]


@pytest.mark.parametrize("name", NAMES)
def test_lesson_shows_its_diagram_and_charts(executed_lessons, name):
    html = html_outputs(executed_lessons, name)
    diagrams = [h for h in html if 'aria-label="diagram of Network(' in h]
    assert diagrams, f"{name} shows no network diagram"
    assert any("δ = " in h for h in diagrams), f"{name} shows no diagram with the values of a pass"
    assert any("One step of backpropagation" in h and "−η·∂E/∂W" in h for h in html), f"{name} has no trace"
    if name != "01-neuron-and-delta-rule":
        assert any("loss E per epoch" in h and "<polyline" in h for h in html), f"{name} has no loss chart"


def test_neuron_lesson_numbers(executed_lessons, capsys):
    r = results(executed_lessons, "01-neuron-and-delta-rule")
    assert (r["sigmoid"], r["relu"], r["network"]) == (0.9525741268224334, 3.0, 0.7216325609518421)
    script = example("neuron_lesson")
    assert r["delta_rule"]["delta"] == script.delta_rule()["delta"]
    exercises = script.exercises()
    for key in ("one_record", "two_records", "batch"):
        assert r[key]["weights"] == exercises[key]["weights"] and r[key]["o"] == exercises[key]["o"]
    assert r["multi_label"]["o"] == exercises["multi_label"]["o"]
    assert r["tanh"]["o_raw"] == exercises["tanh"]["o_raw"] and r["tanh"]["o_scaled"] == exercises["tanh"]["o_scaled"]
    assert r["one_record"]["o"] == pytest.approx(1.0, abs=1e-12)
    assert r["tanh"]["o_raw"][1] > 0.999 and r["tanh"]["o_scaled"][1] == pytest.approx(0.7, abs=1e-3)
    step = example("one_step").main()
    assert r["one_step"] == step
    assert r["one_step"]["update_w22"] == pytest.approx(-0.1 * 3 * r["one_step"]["delta_hidden"][1], abs=1e-16)
    capsys.readouterr()


def test_gender_lesson_numbers(executed_lessons):
    r = results(executed_lessons, "02-gender")
    script = example("gender").train(seed=0)
    assert r["forward_example"] == 0.7216325609518421
    assert (r["emily"], r["frank"], r["loss"]) == (script["emily"], script["frank"], script["loss"])
    assert r["emily"] > 0.9 and r["frank"] < 0.1
    assert len(r["lesson_loss"]) == 100 and r["lesson_loss"][-1] < r["lesson_loss"][0] / 10


def test_xor_tanh_lesson_numbers(executed_lessons):
    r = results(executed_lessons, "03-xor-tanh")
    xor = example("xor_tanh")
    X, y = xor.load("xor_ordered")
    lesson, _, diag = xor.train(0, lr=1.0)
    net, _, _ = xor.train(0, lr=0.1)
    assert r["E_lesson"] == lesson.loss(X, y) and abs(r["E_lesson"] - 2) < 0.1
    assert r["hidden_saturated_lesson"] == float(diag.report.saturated[-1, 0]) > 0.5
    assert "saturated_units" in r["findings_lesson"]
    assert r["E"] == net.loss(X, y) < 0.05
    assert r["predictions"] == net.predict(X)[:, 0].tolist() == r["loaded_predictions"]
    assert r["classes"] == [0, 1, 1, 0]


def test_house_prices_lesson_numbers(executed_lessons):
    r = results(executed_lessons, "04-house-prices")
    hp = example("house_prices")
    from lucidnet import SGD, Standardizer, gradcheck
    from lucidnet.data.datasets import load

    X, price = load("house_prices")
    Xs = Standardizer().fit(X).transform(X)
    ys = Standardizer().fit(price.reshape(-1, 1)).transform(price.reshape(-1, 1))[:, 0]
    net = hp.build(0)
    assert r["gradcheck_max_rel_error"] == gradcheck(net, Xs, ys).max_rel_error < 1e-6 and r["gradcheck_passed"]
    assert r["loss"] == net.fit(Xs, ys, epochs=hp.EPOCHS, optimizer=SGD(lr=hp.LR)).loss
    assert r["mean_abs_error"] < 40_000 and len(r["predicted"]) == 10
    try:
        import torch  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("the house-prices lesson compares with PyTorch in CI: pip install torch==2.13.0")
        assert r["torch_max_gap"] is None
    else:
        assert r["torch_max_gap"] is not None and r["torch_max_gap"] < 1e-9


def test_xor_sigmoid_lesson_numbers(executed_lessons):
    r = results(executed_lessons, "05-xor-sigmoid")
    script = example("xor_sigmoid").train(seed=0)
    assert (r["predictions"], r["max_error"], r["loss"]) == (script["predictions"], script["max_error"],
                                                             script["loss"])
    assert r["max_error"] < 0.1
    assert np.allclose(r["predictions"], [0, 1, 1, 0], atol=0.1)


def test_a_failing_assert_cell_fails_the_run(tmp_path):
    nbformat = require("nbformat", "pip install -e '.[test]'")
    nbclient = require("nbclient", "pip install -e '.[test]'")
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell("import lucidnet as ln\nx = ln.Neuron([0, 1], 0).feedforward([2, 3])"),
                  nbformat.v4.new_code_cell("assert x == 0.5, x")]
    path = tmp_path / "failing.ipynb"
    nbformat.write(book, path)
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="AssertionError"):
        execute_notebook(path, tmp_path)
