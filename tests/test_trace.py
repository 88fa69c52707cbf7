"""trace(): every quantity of one forward and backward pass equals PyTorch autograd; the text and the CLI."""

import argparse
import json

import numpy as np
import pytest

from lucidnet import Dense, Network
from lucidnet.cli.explain import configure_explain_parser, run_explain
from lucidnet.trace import Trace, trace

CASES = [  # (hidden activations, output activation, loss, targets kind)
    (["sigmoid"], "sigmoid", "half_sse", "real"),
    (["tanh", "relu"], "identity", "mse", "real"),
    (["leaky_relu"], "sigmoid", "sse", "real"),
    (["elu", "tanh"], "sigmoid", "bce", "binary"),  # fused with sigmoid
    (["relu"], "softmax", "cross_entropy", "classes"),  # fused with softmax
    (["sigmoid"], "softmax", "mse", "onehot"),  # softmax unfused: a Jacobian product
    ([], "tanh", "half_sse", "real"),  # a single layer
]


def _net(hidden, out, loss, seed=0, l2=0.0):
    sizes = [3] + [4] * len(hidden) + [3 if out == "softmax" else 2]
    acts = hidden + [out]
    layers = [Dense(a, b, activation=f) for a, b, f in zip(sizes, sizes[1:], acts)]
    return Network(layers, loss=loss, seed=seed, l2=l2)


def _targets(kind, rng, n, m):
    if kind == "real":
        return rng.normal(size=(n, m))
    if kind == "binary":
        return (rng.random((n, m)) > 0.5).astype(float)
    idx = rng.integers(0, m, n)
    return idx if kind == "classes" else np.eye(m)[idx]


def _torch_pass(torch, net, X, y, loss, l2=0.0):
    F = torch.nn.functional
    params = [torch.tensor(p, requires_grad=True) for p in net.get_weights()]
    o = torch.tensor(X)
    nets, outs, inputs = [], [], []
    for i, layer in enumerate(net.layers):
        W, b = params[2 * i], params[2 * i + 1]
        inputs.append(o)
        z = o @ W + b
        z.retain_grad()
        name = layer.activation.name
        act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda t: t,
               "leaky_relu": lambda t: F.leaky_relu(t, 0.01), "elu": F.elu,
               "softmax": lambda t: torch.softmax(t, dim=1)}[name]
        o = act(z)
        nets.append(z)
        outs.append(o)
    yt = torch.tensor(y)
    if loss == "half_sse":
        E = 0.5 * ((o - yt) ** 2).sum()
    elif loss == "sse":
        E = ((o - yt) ** 2).sum()
    elif loss == "mse":
        E = ((o - yt) ** 2).mean()
    elif loss == "bce":
        E = F.binary_cross_entropy_with_logits(nets[-1], yt)
    else:
        E = F.cross_entropy(nets[-1], yt)
    if l2:
        E = E + 0.5 * l2 * sum((W ** 2).sum() for W in params[::2])
    E.backward()
    return E, params, inputs, nets, outs


@pytest.mark.torch
@pytest.mark.parametrize("hidden, out, loss, kind", CASES)
def test_every_quantity_equals_torch_autograd(torch, hidden, out, loss, kind):
    rng = np.random.default_rng(3)
    net = _net(hidden, out, loss)
    X = rng.normal(size=(5, 3))
    y = _targets(kind, rng, 5, net.n_out)
    before = net.get_weights()
    t = trace(net, X, y, lr=0.3)
    E, params, inputs, nets, outs = _torch_pass(torch, net, X, y, loss)
    tol = {"rtol": 0, "atol": 1e-12}
    assert abs(t.E - E.item()) <= 1e-12
    assert len(t.layers) == len(net.layers)
    for i, lt in enumerate(t.layers):
        np.testing.assert_allclose(lt.x, inputs[i].detach().numpy(), **tol)
        np.testing.assert_allclose(lt.net, nets[i].detach().numpy(), **tol)
        np.testing.assert_allclose(lt.o, outs[i].detach().numpy(), **tol)
        np.testing.assert_allclose(lt.delta, nets[i].grad.numpy(), **tol)
        np.testing.assert_allclose(lt.grad_W, params[2 * i].grad.numpy(), **tol)
        np.testing.assert_allclose(lt.grad_b, params[2 * i + 1].grad.numpy(), **tol)
        np.testing.assert_allclose(lt.update_W, -0.3 * params[2 * i].grad.numpy(), **tol)
        np.testing.assert_allclose(lt.update_b, -0.3 * params[2 * i + 1].grad.numpy(), **tol)
    for a, b in zip(before, net.get_weights()):  # no weight changed
        assert np.array_equal(a, b)
    text = t.to_text(sample=4, weight=(1, 2, 1))
    assert "Chain rule for w₂₁⁽¹⁾, sample 4" in text


@pytest.mark.torch
def test_penalty_gradients_equal_torch(torch):
    rng = np.random.default_rng(5)
    net = _net(["tanh"], "sigmoid", "half_sse", l2=0.05)
    X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    t = trace(net, X, y)
    E, params, *_ = _torch_pass(torch, net, X, y, "half_sse", l2=0.05)
    assert abs(t.E - E.item()) <= 1e-12
    for i, lt in enumerate(t.layers):
        np.testing.assert_allclose(lt.grad_W, params[2 * i].grad.numpy(), rtol=0, atol=1e-12)
    assert "λ₂·w, λ₂ = 0.05" in t.to_text()


def _lesson_net():
    # the 2-2-1 network of the neuron lesson: every weight [0, 1], every bias 0
    return Network([Dense(2, 2, init=[[0, 0], [1, 1]], bias_init=0.0), Dense(2, 1, init=[[0], [1]], bias_init=0.0)],
                   loss="half_sse")


def test_worked_example_by_hand():
    t = trace(_lesson_net(), [[2.0, 3.0]], [1.0], lr=0.1)
    h = 1 / (1 + np.exp(-3.0))  # net_1 = net_2 = 0·2 + 1·3 + 0 = 3
    o = 1 / (1 + np.exp(-h))  # net = 0·h + 1·h
    assert o == pytest.approx(0.7216325609518421, abs=1e-15)
    assert t.E == pytest.approx(0.5 * (o - 1) ** 2, abs=1e-15)
    d_out = (o - 1) * o * (1 - o)  # δ = ∂E/∂o · σ'(net)
    assert t.layers[1].delta[0, 0] == pytest.approx(d_out, abs=1e-15)
    # hidden: δ_j = δ_out·w_j1·σ'(net_j); w_11 = 0 so δ_1 = 0, w_21 = 1
    assert t.layers[0].delta[0].tolist() == pytest.approx([0.0, d_out * h * (1 - h)], abs=1e-15)
    assert t.layers[0].grad_W[:, 1].tolist() == pytest.approx([2 * d_out * h * (1 - h), 3 * d_out * h * (1 - h)])
    text = t.to_text(weight=(1, 2, 2))
    assert "net₁⁽¹⁾ = 0·2 + 1·3 + 0 = 3" in text
    assert "o₁⁽²⁾   = σ(0.952574) = 0.721633" in text
    # o − y = -0.278367, σ'(net) = o(1 − o) = 0.200879
    assert "δ₁⁽²⁾ = (-0.278367)·0.200879 = -0.0559182" in text
    # δ_2 = δ_out·w_21·σ'(3), σ'(3) = 0.0451767
    assert "δ₂⁽¹⁾ = (-0.0559182)·1·0.0451767 = -0.0025262" in text
    assert "δ₁⁽¹⁾ = (-0.0559182)·0·0.0451767 = 0" in text
    assert "∂E/∂w₂₂⁽¹⁾ = δ₂⁽¹⁾·o₂⁽⁰⁾ = (-0.0025262)·3 = -0.00757859;  Δ = −η·∂E/∂w₂₂⁽¹⁾ = 0.000757859" in text
    assert "∂E/∂w₁₁⁽¹⁾ = δ₁⁽¹⁾·o₁⁽⁰⁾ = 0·2 = 0;  Δ = −η·∂E/∂w₁₁⁽¹⁾ = 0" in text
    assert "(loss half_sse, n = 1 sample)" in text
    assert "one path leads to the output" in text
    assert "= (-0.278367)·0.200879 · 1·0.0451767 · 3 = -0.00757859" in text


def test_to_dict_is_json_and_complete():
    t = trace(_lesson_net(), [[2.0, 3.0], [1.0, 0.0]], [1.0, 0.0])
    d = json.loads(json.dumps(t.to_dict()))
    assert d["n"] == 2 and d["loss"] == "half_sse" and len(d["layers"]) == 2
    keys = {"x", "net", "o", "delta", "grad_W", "grad_b", "update_W", "update_b", "W", "b"}
    assert keys <= set(d["layers"][0])
    assert d["layers"][1]["o"] == t.layers[1].o.tolist()
    assert repr(t).startswith("Trace(Network(2 → 2 → 1") and isinstance(t, Trace)


@pytest.mark.parametrize("kwargs, message", [
    ({"sample": 2}, r"sample must be in 0 … 1 \(the batch has 2 rows\), got 2"),
    ({"weight": (3, 1, 1)}, r"weight layer must be in 1 … 2"),
    ({"weight": (1, 3, 1)}, r"weight i must be in 0 … 2 for layer 1 \(0 is the bias\), got 3"),
    ({"weight": (2, 1, 2)}, r"weight j must be in 1 … 1 for layer 2, got 2"),
    ({"weight": "x"}, r"three integers"),
])
def test_to_text_validates(kwargs, message):
    t = trace(_lesson_net(), [[2.0, 3.0], [1.0, 0.0]], [1.0, 0.0])
    with pytest.raises(ValueError, match=message):
        t.to_text(**kwargs)


def test_trace_validates_inputs():
    net = _lesson_net()
    with pytest.raises(ValueError, match="learning rate must be > 0, got -1"):
        trace(net, [[2.0, 3.0]], [1.0], lr=-1)
    with pytest.raises(ValueError, match="X has 3 columns but the network expects 2"):
        trace(net, [[2.0, 3.0, 1.0]], [1.0])


def _explain(argv, capsys):
    parser = argparse.ArgumentParser(prog="lucidnet explain")
    configure_explain_parser(parser)
    status = run_explain(parser.parse_args(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_explain_dataset(capsys):
    status, out, err = _explain(["--dataset", "gender", "--sample", "1", "--weight", "1,2,1", "--lr", "0.5"], capsys)
    assert status == 0 and err == ""
    assert "sample k = 1:  x = [25, 6]   y = [0]" in out
    assert "η = 0.5" in out and "Chain rule for w₂₁⁽¹⁾, sample 1" in out


def test_explain_generated_dataset_as_json(capsys):
    status, out, _ = _explain(["--dataset", "spiral", "--n", "6", "--hidden", "3", "--json"], capsys)
    d = json.loads(out)
    assert status == 0 and d["n"] == 6 and len(d["layers"]) == 2 and len(d["layers"][0]["o"][0]) == 3


def test_explain_standardized_regression(capsys):
    status, out, _ = _explain(["--dataset", "house_prices", "--standardize", "--hidden", "0"], capsys)
    assert status == 0 and "x = [0.531309, -0.185695]" in out


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "gender", "--weight", "1,2"], "--weight must be LAYER,I,J"),
    (["--dataset", "gender", "--weight", "9,1,1"], "weight layer must be in 1 … 2"),
    (["--dataset", "gender", "--sample", "4"], "sample must be in 0 … 3"),
    (["--dataset", "nope"], "unknown data set 'nope'"),
    ([], "give either --dataset NAME or --model FILE --data FILE"),
    (["--dataset", "xor", "--data", "x.csv"], "--data goes with --model"),
    (["--dataset", "xor", "--lr", "0"], "learning rate must be > 0"),
])
def test_explain_errors_are_one_line(argv, message, capsys):
    status, out, err = _explain(argv, capsys)
    assert status == 2 and out == ""
    assert err.startswith("lucidnet explain: error: ") and message in err and err.count("\n") == 1


def test_explain_model_file(tmp_path, capsys):
    from lucidnet.io import Preprocessing, save_model

    net = Network([Dense(2, 2, init=[[0, 0], [1, 1]], bias_init=0.0), Dense(2, 1, init=[[0], [1]], bias_init=0.0)],
                  loss="half_sse")
    pre = Preprocessing(task="regression", feature_names=["a", "b"], target_name="y")
    model = save_model(net, tmp_path / "m.safetensors", preprocessing=pre)
    data = tmp_path / "d.csv"
    data.write_text("y,b,a\n1,3,2\n0,0,1\n", encoding="utf-8")  # columns found by name
    status, out, err = _explain(["--model", str(model), "--data", str(data), "--weight", "1,2,2"], capsys)
    assert status == 0, err
    assert "sample k = 0:  x = [2, 3]   y = [1]" in out
    assert "o₁⁽²⁾   = σ(0.952574) = 0.721633" in out and "Chain rule for w₂₂⁽¹⁾" in out
    status, _, err = _explain(["--model", str(model)], capsys)
    assert status == 2 and "--model needs --data FILE" in err
    status, _, err = _explain(["--model", str(tmp_path / "none.safetensors"), "--data", str(data)], capsys)
    assert status == 2 and "none.safetensors" in err and err.startswith("lucidnet explain: error: ")


def test_explain_model_file_encodes_targets_as_the_models_head_does(tmp_path, capsys):
    from lucidnet.io import Preprocessing, save_model

    # three classes on one sigmoid unit each with mse: the head learns one-hot rows, not class indices
    net = Network([Dense(2, 3, activation="sigmoid", init=[[1, 0, 0], [0, 1, 0]], bias_init=0.0)], loss="mse")
    pre = Preprocessing(task="classification", feature_names=["a", "b"], target_name="kind", classes=["x", "y", "z"])
    model = save_model(net, tmp_path / "m.safetensors", preprocessing=pre)
    data = tmp_path / "d.csv"
    data.write_text("a,b,kind\n1,2,y\n0,1,z\n", encoding="utf-8")
    status, out, err = _explain(["--model", str(model), "--data", str(data)], capsys)
    assert status == 0, err
    assert "sample k = 0:  x = [1, 2]   y = [0, 1, 0]" in out
    data.write_text("a,b,kind\n1,2,w\n", encoding="utf-8")
    status, out, err = _explain(["--model", str(model), "--data", str(data)], capsys)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("lucidnet explain: error: ") and "label 'w' was not seen in training" in err


def test_explain_through_the_lucidnet_command(capsys):
    from lucidnet.cli import main

    assert main(["explain", "--dataset", "xor_ordered", "--hidden", "3", "--sample", "3"]) == 0
    assert "sample k = 3:  x = [1, 1, 1]   y = [0]" in capsys.readouterr().out


def test_wide_layers_are_cut_short():
    net = Network([Dense(30, 20, "relu"), Dense(20, 1, "sigmoid")], loss="bce", seed=0)
    X = np.random.default_rng(0).normal(size=(3, 30))
    t = trace(net, X, [0, 1, 1])
    text = t.to_text(sample=1, weight=(1, 30, 20), max_items=3)
    assert "… (27 more terms)" in text and "… 17 more units (trace.to_dict() has them all)" in text
    assert "… 608 more parameters" in text  # 30·20 + 20 = 620 gradients, 4·3 = 12 shown
    assert "Chain rule for w₃₀,₂₀⁽¹⁾, sample 1" in text
    assert len(text.splitlines()) < 80 < len(t.to_text(sample=1).splitlines())
    with pytest.raises(ValueError, match="max_items must be an integer >= 1, got 0"):
        t.to_text(max_items=0)


def test_network_trace_method_is_the_same_pass():
    net = _lesson_net()
    a, b = net.trace([[2.0, 3.0]], [1.0], lr=0.5), trace(net, [[2.0, 3.0]], [1.0], lr=0.5)
    assert a.E == b.E and a.to_text(weight=(1, 2, 2)) == b.to_text(weight=(1, 2, 2))
    assert all(np.array_equal(x.update_W, y.update_W) for x, y in zip(a.layers, b.layers))


@pytest.mark.parametrize("args, error, message", [
    ({"sample": True}, TypeError, "sample must be an integer row index, got True"),
    ({"sample": 5}, ValueError, r"sample must be in 0 … 4 \(the batch has 5 rows\), got 5"),
    ({"weight": (3, 1, 1)}, ValueError, "weight layer must be in 1 … 2"),
    ({"weight": "ab"}, ValueError, "weight must be three integers"),
    ({"max_items": 0, "sample": 9}, ValueError, "max_items must be an integer >= 1, got 0"),  # max_items first
])
def test_to_text_and_to_html_check_their_arguments_alike(args, error, message):
    net = Network([Dense(3, 4, activation="tanh"), Dense(4, 3, activation="softmax")], loss="cross_entropy", seed=0)
    record = trace(net, np.ones((5, 3)), [0, 1, 2, 1, 0])
    for show in (record.to_text, record.to_html):
        with pytest.raises(error, match=message):
            show(**args)
