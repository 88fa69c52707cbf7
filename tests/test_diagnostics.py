"""Diagnostics: each failure mode is detected on a run that provokes it, and a healthy run raises none."""

import json
from itertools import pairwise

import numpy as np
import pytest

from lucidnet import SGD, Dense, Network, TrainingDivergedError
from lucidnet.data.datasets import load
from lucidnet.diagnostics import FINDINGS, Diagnostics, DiagnosticsReport, Finding, diagnose


@pytest.fixture(scope="module")
def moons():
    ds = load("moons", n=200, noise=0.1, seed=0)
    return ds.X / 3, ds.y.astype(float)


def _fit(net, data, lr, epochs, **kw):
    X, y = data
    return diagnose(net, X, y, epochs=epochs, batch_size=32, optimizer=SGD(lr=lr), **kw)


def test_healthy_run_raises_nothing(moons):
    net = Network([Dense(2, 16, "tanh"), Dense(16, 16, "tanh"), Dense(16, 1, "sigmoid")], loss="bce", seed=0)
    report = _fit(net, moons, 0.5, 30)
    assert report.healthy and report.kinds == [] and not report.diverged
    assert report.grad_norm.shape == report.ratio.shape == (30, 3)
    assert np.all(report.grad_norm > 0) and np.all(np.isnan(report.dead))
    assert report.saturated.shape == (30, 3) and np.all(report.saturated[:, :2] < 0.1)
    assert "healthy" in str(report) and len(report.loss) == 30


def test_healthy_relu_run_raises_nothing(moons):
    net = Network([Dense(2, 16, "relu", init="he_normal"), Dense(16, 1, "sigmoid")], loss="bce", seed=1)
    report = _fit(net, moons, 0.5, 30)
    assert report.healthy, str(report)
    assert np.all(report.dead[:, 0] < 0.5)


def test_large_init_saturates_and_vanishes(moons):
    rng = np.random.default_rng(0)
    sizes = [2, 16, 16, 16, 16, 16, 1]
    layers = [Dense(a, b, "sigmoid", init=rng.normal(0.0, 5.0, (a, b))) for a, b in pairwise(sizes)]
    report = _fit(Network(layers, loss="mse"), moons, 0.5, 10)
    assert "vanishing_gradients" in report.kinds and "saturated_units" in report.kinds
    vanishing = next(f for f in report.findings if f.kind == "vanishing_gradients")
    assert vanishing.layer == 1 and "the first layer hardly moves" in vanishing.message
    assert report.ratio[0, 0] < 1e-4


def test_gradients_shrinking_towards_the_input(moons):
    # a deep sigmoid stack with Glorot weights: each layer multiplies δ by σ' ≤ ¼
    sizes = [2] + [16] * 6 + [1]
    layers = [Dense(a, b, "sigmoid") for a, b in pairwise(sizes)]
    report = _fit(Network(layers, loss="mse", seed=0), moons, 0.5, 5)
    finding = next(f for f in report.findings if f.kind == "vanishing_gradients")
    assert "ρ₁/ρ_L" in finding.message and "slower than the last" in finding.message
    assert np.median(report.ratio[:, 0] / report.ratio[:, -1]) < 1e-2


def test_large_learning_rate_diverges(moons):
    net = Network([Dense(2, 16, "relu"), Dense(16, 1, "identity")], loss="mse", seed=0)
    report = _fit(net, moons, 2.0, 30)
    assert report.diverged and "loss_non_finite" in report.kinds
    finding = next(f for f in report.findings if f.kind == "loss_non_finite")
    assert finding.epoch == 0 and "lower η" in finding.fix
    assert all(np.isfinite(p).all() for p in net.parameters())  # fit kept the last finite weights


def test_divergence_is_reported_when_fit_raises():
    X, y = load("house_prices")  # unscaled inputs in the thousands: with η = 1 E grows ~10¹³× per epoch
    net = Network([Dense(2, 1, "identity")], loss="mse", seed=0)
    diag = Diagnostics()
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(TrainingDivergedError):
        net.fit(X, y, epochs=50, optimizer=SGD(lr=1.0), callbacks=[diag])
    assert diag.report is not None and diag.report.kinds[-1] == "loss_non_finite"


def test_loss_rising(moons):
    net = Network([Dense(2, 16, "relu"), Dense(16, 1, "identity")], loss="mse", seed=0)
    report = _fit(net, moons, 0.5, 30)
    assert "loss_rising" in report.kinds and not report.diverged
    assert min(report.loss) * 1.1 < report.loss[-1]


def test_negative_bias_kills_relus(moons):
    net = Network([Dense(2, 16, "relu", bias_init=-5.0), Dense(16, 1, "sigmoid")], loss="bce", seed=0)
    report = _fit(net, moons, 0.5, 5)
    assert report.kinds == ["dead_relus"]
    finding = report.findings[0]
    assert finding.layer == 1 and finding.message.startswith("16 of 16 relu units output 0")
    assert np.all(report.dead[:, 0] == 1.0) and np.all(report.grad_norm == 0)


def test_the_rules_on_measured_numbers():
    diag = Diagnostics()
    diag._layers = [Dense(2, 3, "tanh"), Dense(3, 1, "identity")]
    base = {"grad_norm": np.ones((4, 2)), "saturated": np.full((4, 2), np.nan), "dead": np.full((4, 2), np.nan)}
    exploding = diag._findings({**base, "ratio": np.array([[500.0, 1.0]] * 4)}, [1.0, 0.9, 0.8, 0.7], False, 3)
    assert [f.kind for f in exploding] == ["exploding_gradients"]
    calm = diag._findings({**base, "ratio": np.array([[0.5, 1.0]] * 4)}, [1.0, 0.5, 0.2, 0.21], False, 3)
    assert calm == []  # a 5 % bounce near the end is noise, not a rising loss
    rising = diag._findings({**base, "ratio": np.array([[0.5, 1.0]] * 4)}, [1.0, 0.5, 0.2, 0.4], False, 3)
    assert [f.kind for f in rising] == ["loss_rising"]
    assert "E rose from its best 0.2 (epoch 3) to 0.4 (epoch 4)" in rising[0].message
    saturated = diag._findings({**base, "ratio": np.array([[0.5, 1.0]] * 4),
                                "saturated": np.array([[0.9, 1.0]] * 4)}, [1.0, 0.5, 0.2, 0.1], False, 3)
    assert [(f.kind, f.layer) for f in saturated] == [("saturated_units", 1)]  # the output layer is not judged


def test_report_text_and_dict(moons):
    net = Network([Dense(2, 4, "relu", bias_init=-5.0), Dense(4, 1, "sigmoid")], loss="bce", seed=0)
    report = _fit(net, moons, 0.5, 3)
    text = str(report)
    assert text.startswith("Diagnostics after 3 epoch(s): 1 finding(s)")
    assert "dead_relus (layer 1): 4 of 4 relu units" in text
    assert f"  why: {FINDINGS['dead_relus'][0]}" in text and f"  fix: {FINDINGS['dead_relus'][1]}" in text
    d = json.loads(json.dumps(report.to_dict()))
    assert d["findings"][0]["kind"] == "dead_relus" and d["findings"][0]["fix"] == FINDINGS["dead_relus"][1]
    assert d["saturated"][0][0] is None and d["healthy"] is False
    assert repr(report) == "DiagnosticsReport(epochs=3, findings=['dead_relus'])"
    assert isinstance(report, DiagnosticsReport)


def test_finding_has_a_why_and_a_fix_for_every_kind():
    for kind, (why, fix) in FINDINGS.items():
        f = Finding(kind, "seen", layer=2)
        assert f.explanation == why and f.fix == fix and "\n" not in why + fix
        assert str(f).startswith(f"{kind} (layer 2): seen")


@pytest.mark.parametrize("kwargs", [{"vanishing_ratio": 0}, {"dead_limit": 1.5}, {"saturation_limit": "x"},
                                    {"rise_tolerance": True}])
def test_thresholds_are_validated(kwargs):
    with pytest.raises(ValueError, match="must be a number in \\(0, 1\\)"):
        Diagnostics(**kwargs)


def test_the_callback_changes_nothing():
    X, y = load("xor_ordered")
    a = Network([Dense(3, 4, "tanh"), Dense(4, 1, "sigmoid")], seed=3)
    b = Network([Dense(3, 4, "tanh"), Dense(4, 1, "sigmoid")], seed=3)
    ha = a.fit(X, y, epochs=20, batch_size=2, seed=1)
    hb = b.fit(X, y, epochs=20, batch_size=2, seed=1, callbacks=[Diagnostics()])
    assert ha.loss == hb.loss
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
