"""Optimizers: trajectories over 25 steps equal torch.optim's, state handling, validation."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch_activation

import lucidnet as ln
from lucidnet.optimizers import OPTIMIZERS, get_optimizer

CONFIGS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"lr": 0.1, "weight_decay": 0.01}),
    ("sgd", {"lr": 0.1, "momentum": 0.5, "nesterov": True, "weight_decay": 0.05}),
    ("sgd", {"lr": 0.5, "momentum": 0.9}),  # a high learning rate (effective η/(1−μ) = 5), still convergent
    ("adam", {}),
    ("adam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.01}),
    ("adam", {"lr": 0.5}),  # a high learning rate
    ("rmsprop", {}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.9, "weight_decay": 0.01}),
    ("adagrad", {}),
    ("adagrad", {"lr": 0.5, "eps": 1e-8, "weight_decay": 0.1}),
]


def _torch_optimizer(torch, name, params, cfg):
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop,
           "adagrad": torch.optim.Adagrad}[name]
    cfg = dict(cfg)
    if name == "sgd":
        cfg.setdefault("lr", 0.1)
    return cls(params, **cfg)


@pytest.mark.torch
@pytest.mark.parametrize("name, cfg", CONFIGS, ids=[f"{n}-{c}" for n, c in CONFIGS])
def test_trajectory_equals_torch_optim(name, cfg, torch, rng):
    layers = [ln.Dense(3, 6, activation="tanh"), ln.Dense(6, 2, activation="identity")]
    net = ln.Network(layers, loss="mse", seed=7)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    tparams = [torch.tensor(p.copy(), requires_grad=True) for p in net.parameters()]
    topt = _torch_optimizer(torch, name, tparams, cfg)
    opt = get_optimizer({"name": name, **cfg})
    tx, ty = torch.tensor(X), torch.tensor(y)
    for step in range(25):
        _, grads = net.loss_and_gradients(X, y)
        opt.step(net.parameters(), grads)
        topt.zero_grad()
        W1, b1, W2, b2 = tparams
        out = torch_activation(torch, ln.Tanh(), tx @ W1 + b1) @ W2 + b2
        torch.nn.functional.mse_loss(out, ty).backward()
        topt.step()
        for p, tp in zip(net.parameters(), tparams):
            scale = max(np.abs(tp.detach().numpy()).max(), 1.0)
            assert np.abs(p - tp.detach().numpy()).max() <= 1e-10 * scale, (step, np.abs(p - tp.detach().numpy()).max())
    assert opt.t == 25


def test_registry_and_configs():
    assert set(OPTIMIZERS) == {"sgd", "adam", "rmsprop", "adagrad"}
    for name, cfg in CONFIGS:
        opt = get_optimizer({"name": name, **cfg})
        assert get_optimizer(opt.get_config()).get_config() == opt.get_config()
    assert repr(ln.SGD(lr=0.5)) == "SGD(lr=0.5, momentum=0.0, nesterov=False, weight_decay=0.0)"


def test_step_updates_in_place_and_leaves_grads_alone():
    p = np.array([1.0, 2.0])
    g = np.array([0.5, -1.0])
    ln.SGD(lr=0.1, momentum=0.9, weight_decay=0.1).step([p], [g])
    np.testing.assert_allclose(p, [1.0 - 0.1 * (0.5 + 0.1), 2.0 - 0.1 * (-1.0 + 0.2)])
    np.testing.assert_array_equal(g, [0.5, -1.0])


def test_state_dict_round_trip_continues_identically(rng):
    params_a = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    params_b = [p.copy() for p in params_a]
    a = ln.Adam(lr=0.01)
    grads = [[rng.normal(size=(3, 2)), rng.normal(size=2)] for _ in range(6)]
    for g in grads[:3]:
        a.step(params_a, g)
        ln.Adam(lr=0.01)  # unrelated optimizers share nothing
    b = ln.Adam(lr=0.01)
    for g in grads[:3]:
        b.step(params_b, g)
    c = ln.Adam(lr=0.01)
    c.load_state_dict(b.state_dict())
    for g in grads[3:]:
        a.step(params_a, g)
        c.step(params_b, g)
    for pa, pb in zip(params_a, params_b):
        np.testing.assert_array_equal(pa, pb)


def test_reset_forgets_state():
    opt = ln.SGD(lr=0.1, momentum=0.9)
    opt.step([np.zeros(2)], [np.ones(2)])
    opt.reset()
    assert opt.t == 0 and opt.state == {}


def test_bad_settings_are_refused_with_the_value():
    with pytest.raises(ValueError, match="learning rate must be > 0, got -0.1"):
        ln.SGD(lr=-0.1)
    with pytest.raises(ValueError, match="learning rate must be > 0, got 0"):
        ln.Adam(lr=0)
    opt = ln.SGD(lr=0.1)
    with pytest.raises(ValueError, match="learning rate must be > 0"):
        opt.lr = -1
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        ln.SGD(nesterov=True)
    with pytest.raises(ValueError, match=r"Adam beta_1 must be in \[0, 1\), got 1.0"):
        ln.Adam(betas=(1.0, 0.999))
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'; valid names are: adagrad, adam, rmsprop, sgd"):
        get_optimizer("adamw")
    with pytest.raises(TypeError, match="learning rate must be a number"):
        ln.SGD(lr="fast")
