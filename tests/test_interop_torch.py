"""lucidnet.to_torch and lucidnet.from_torch: the same function both ways (float64, to 1e-12), and lucidnet's
hand-written backprop on the converted network equals PyTorch autograd on the original."""

import pickle
import sys

import numpy as np
import pytest
from conftest import torch_loss

import lucidnet as ln
from lucidnet.interop.torch import TORCH_MODULES
from lucidnet.trace import trace

pytestmark = pytest.mark.torch


def _activation(name):
    params = {"leaky_relu": {"alpha": 0.2}, "elu": {"alpha": 0.7}, "maxout": {"k": 3}}.get(name, {})
    return ln.get_activation({"name": name, **params})


def _torch_activation(torch, name):
    """The module a PyTorch user writes for each registry activation (None: a Linear alone)."""
    from lucidnet.interop.torch import Maxout

    nn = torch.nn
    return {"identity": None, "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "relu": nn.ReLU(),
            "leaky_relu": nn.LeakyReLU(0.2), "elu": nn.ELU(alpha=0.7), "softplus": nn.Softplus(),
            "silu": nn.SiLU(), "gelu": nn.GELU(approximate="tanh"), "softmax": nn.Softmax(dim=1),
            "maxout": Maxout(3)}[name]


def _close(a, b, tol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    worst = float((np.abs(a - b) / np.maximum(1.0, np.abs(b))).max())
    assert worst <= tol, worst


def test_every_registry_activation_has_a_torch_module():
    assert set(TORCH_MODULES) == set(ln.ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(ln.ACTIVATIONS))
def test_to_torch_computes_the_same_and_reads_back(name, torch, rng):
    act = _activation(name)
    net = ln.Network([ln.Dense(3, 5, activation=act), ln.Dropout(0.25), ln.Dense(5, 4, activation=act, bias=False),
                      ln.Dense(4, 2, activation="softmax")], loss="cross_entropy", seed=4)
    module = ln.to_torch(net)
    linear = module[0]
    assert isinstance(linear, torch.nn.Linear) and linear.weight.dtype == torch.float64
    assert np.array_equal(linear.weight.detach().numpy(), net.layers[0].W.T)  # PyTorch stores (out, in)
    assert np.array_equal(linear.bias.detach().numpy(), net.layers[0].b)
    X = rng.normal(size=(16, 3)) * 2
    _close(module.eval()(torch.from_numpy(X)).detach().numpy(), net.predict(X))
    back = ln.from_torch(module, loss="cross_entropy")
    assert back.get_config() == net.get_config()
    assert all(np.array_equal(a, b) for a, b in zip(back.parameters(), net.parameters()))


@pytest.mark.parametrize("name", sorted(ln.ACTIVATIONS))
def test_from_torch_computes_the_same_and_backprop_equals_autograd(name, torch, rng):
    nn = torch.nn
    torch.manual_seed(5)
    act = _torch_activation(torch, name)
    width = 6 * (3 if name == "maxout" else 1)
    parts = [nn.Linear(3, width), act, nn.Dropout(0.1), nn.Sequential(nn.Linear(6, 4, bias=False), nn.Tanh()),
             nn.Identity(), nn.Linear(4, 3), nn.Softmax(dim=1)]
    module = nn.Sequential(*[p for p in parts if p is not None]).eval()
    net = ln.from_torch(module, loss="cross_entropy")
    assert net.layers[0].activation.name == name and isinstance(net.layers[1], ln.Dropout)
    X = rng.normal(size=(10, 3))
    y = rng.integers(0, 3, 10)
    o = module(torch.from_numpy(X))
    _close(o.detach().numpy(), net.predict(X))
    torch_loss(torch, net.loss_fn, o, torch.eye(3)[torch.from_numpy(y)]).backward()
    step = net.trace(X, y)
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    for layer, linear in zip(step.layers, linears):
        _close(layer.grad_W, linear.weight.grad.numpy().T)
        if linear.bias is not None:
            _close(layer.grad_b, linear.bias.grad.numpy())


@pytest.mark.parametrize("loss, out, y", [("mse", "identity", "values"), ("bce", "sigmoid", "bits"),
                                          ("half_sse", "tanh", "values")])
def test_backprop_of_a_network_equals_autograd_on_its_torch_module(loss, out, y, torch, rng):
    net = ln.Network([ln.Dense(4, 7, activation="gelu"), ln.Dense(7, 5, activation={"name": "maxout", "k": 2}),
                      ln.Dense(5, 2, activation=out)], loss=loss, seed=6)
    X = rng.normal(size=(12, 4))
    Y = rng.normal(size=(12, 2)) * 0.5 if y == "values" else rng.integers(0, 2, (12, 2)).astype(float)
    module = ln.to_torch(net)
    torch_loss(torch, net.loss_fn, module(torch.from_numpy(X)), torch.from_numpy(Y)).backward()
    step = trace(net, X, Y)
    for layer, linear in zip(step.layers, [m for m in module if isinstance(m, torch.nn.Linear)]):
        _close(layer.grad_W, linear.weight.grad.numpy().T)
        _close(layer.grad_b, linear.bias.grad.numpy())


def test_float32_stays_float32(torch, rng):
    net = ln.Network([ln.Dense(3, 4, activation="relu"), ln.Dense(4, 1, activation="sigmoid")], loss="bce",
                     dtype="float32", seed=7)
    module = ln.to_torch(net)
    assert module[0].weight.dtype == torch.float32
    X = rng.normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(module(torch.from_numpy(X)).detach().numpy(), net.predict(X), rtol=1e-6)
    back = ln.from_torch(module, loss="bce")
    assert back.dtype == np.float32 and np.array_equal(back.layers[0].W, net.layers[0].W)


def test_pytorchs_default_softplus_differs_above_its_threshold_by_at_most_e_minus_20(torch):
    module = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Softplus())  # threshold 20
    with torch.no_grad():
        module[0].weight.fill_(1.0)
        module[0].bias.fill_(0.0)
    net = ln.from_torch(module)
    x = np.array([[5.0], [19.0], [20.5], [25.0], [60.0]])
    diff = np.abs(module(torch.from_numpy(x)).detach().numpy() - net.predict(x))[:, 0]
    assert diff[:2].max() <= 1e-15  # below the threshold: the same function
    assert 1e-12 < diff[2] <= np.exp(-20)  # above it PyTorch returns net itself, lucidnet net + ln(1 + e^(−net))
    exported = ln.to_torch(net)
    assert (exported[1].threshold, exported[1].beta) == (40.0, 1.0)
    _close(exported(torch.from_numpy(x)).detach().numpy(), net.predict(x))


def test_the_maxout_module_pickles(torch, rng):
    net = ln.Network([ln.Dense(2, 3, activation={"name": "maxout", "k": 2})], seed=8)
    module = pickle.loads(pickle.dumps(ln.to_torch(net)))
    assert repr(module[1]) == "Maxout(k=2)"
    X = rng.normal(size=(4, 2))
    _close(module(torch.from_numpy(X)).detach().numpy(), net.predict(X))


def _refused(torch, module, message):
    with pytest.raises(ValueError, match=message):
        ln.from_torch(module)


def test_what_lucidnet_has_no_counterpart_for_is_one_clear_error(torch):
    nn = torch.nn
    lin = nn.Linear(3, 3)
    _refused(torch, nn.Sequential(lin, nn.Conv1d(1, 1, 1)), r"module 1 \(Conv1d.*no lucidnet counterpart; supported: "
             r"nn.Linear.*nn.GELU\(approximate='tanh'\).*leaky_relu")
    _refused(torch, nn.Sequential(lin, nn.GELU()), "exact \\(erf\\) GELU.*approximate='tanh'")
    _refused(torch, nn.Sequential(lin, nn.Softplus(beta=2)), "beta=1 and threshold >= 20")
    _refused(torch, nn.Sequential(lin, nn.Softplus(threshold=10)), "beta=1 and threshold >= 20")
    _refused(torch, nn.Sequential(lin, nn.Softmax(dim=0)), "use dim=-1 or dim=1")
    _refused(torch, nn.Sequential(lin, nn.ReLU(), nn.Tanh()), r"module 2 \(Tanh\(\)\) follows another activation")
    _refused(torch, nn.Sequential(nn.ReLU(), lin), r"module 0 \(ReLU\(\)\) follows no nn.Linear")
    _refused(torch, nn.Sequential(lin, nn.Dropout(0.5), nn.ReLU()), "follows no nn.Linear")
    _refused(torch, nn.Sequential(lin, nn.Dropout(0.5)), "the last layer must be Dense")
    _refused(torch, nn.Sequential(), "weights are absent")
    _refused(torch, nn.Sequential(nn.Linear(2, 2).half()), "float16; lucidnet reads one dtype")
    _refused(torch, nn.Sequential(nn.Linear(2, 3), nn.Linear(2, 1)), "takes 2 inputs but the layer before gives 3")
    _refused(torch, nn.ReLU(), "from_torch reads an nn.Sequential, got ReLU")
    from lucidnet.interop.torch import Maxout

    _refused(torch, nn.Sequential(nn.Linear(2, 5), Maxout(2)), "5 outputs, not a multiple of maxout's k = 2")


def test_without_torch_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes "import torch" fail
    net = ln.Network([ln.Dense(2, 1)])
    with pytest.raises(ImportError, match="pip install torch"):
        ln.to_torch(net)
    with pytest.raises(ImportError, match="pip install torch"):
        ln.from_torch(object())
