"""An activation added in one place (here, inside the test) reaches every part of lucidnet that names or prints
activations: the command line, the model file, the trace text, the playground's option list, gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import lucidnet as ln
from lucidnet import cli
from lucidnet.io import load_model, save_model


class Softsign(ln.Activation):
    """o = net/(1 + |net|);  ss'(net) = 1/(1 + |net|)²."""

    name = "softsign"
    symbol = "ss"
    formula = "o = net/(1 + |net|)"
    derivative_formula = "ss'(net) = 1/(1 + |net|)²"

    def forward(self, net):
        return net / (1 + np.abs(net))

    def derivative(self, net, o):
        return 1 / (1 + np.abs(net)) ** 2


@pytest.fixture
def softsign(monkeypatch):
    monkeypatch.setitem(ln.ACTIVATIONS, "softsign", Softsign)  # the one change: registering the class


def test_the_cli_and_the_model_file_take_it(softsign, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "--dataset", "moons", "--activation", "softsign", "--epochs", "3", "--quiet"]) == 0
    bundle = load_model(tmp_path / "lucidnet-model.safetensors")
    assert bundle.network.layers[0].activation.name == "softsign"
    assert cli.main(["train", "--help"]) == 0
    assert "softsign" in capsys.readouterr().out  # the help lists the registry's names


def test_the_trace_text_prints_its_formula_and_gradcheck_checks_it(softsign, tmp_path):
    net = ln.Network([ln.Dense(2, 3, activation="softsign"), ln.Dense(3, 1, activation="identity")], seed=0)
    X, y = np.array([[0.5, -1.0], [2.0, 0.1]]), np.array([1.0, -1.0])
    text = net.trace(X, y).to_text()
    assert "ss'(net) = 1/(1 + |net|)²" in text and "ss(" in text
    assert ln.gradcheck(net, X, y).passed
    save_model(net, tmp_path / "m.safetensors")
    back = load_model(tmp_path / "m.safetensors").network
    np.testing.assert_array_equal(back.predict(X), net.predict(X))


def test_the_playground_lists_it(softsign):
    from lucidnet.playground.config import hidden_activations, parse_config

    assert "softsign" in hidden_activations()
    assert parse_config({"layers": [3], "activations": ["softsign"]}).activations == ("softsign",)
