"""fit: batch modes, History, validation, metrics, callbacks, early stopping, schedules, Ctrl-C, divergence,
sample weights, dropout, seeds and float32."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

import lucidnet as ln


def _xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, np.array([0.0, 1.0, 1.0, 0.0])


def _net(seed=0, **kw):
    return ln.Network([ln.Dense(2, 3, activation="tanh"), ln.Dense(3, 1, activation="sigmoid")],
                      loss=kw.pop("loss", "mse"), seed=seed, **kw)


def test_layers_are_kept_and_parameters_are_live():
    layers = [ln.Dense(2, 3), ln.Dense(3, 1)]
    net = ln.Network(layers)
    assert net.layers[0] is layers[0] and net.layers[1] is layers[1]
    params = net.parameters()
    assert params[0] is layers[0].W and params[1] is layers[0].b and params[3] is layers[1].b
    X = np.ones((1, 2))
    before = net.predict(X).copy()
    params[3] += 1.0  # changing the live array changes the network
    assert not np.array_equal(before, net.predict(X))
    assert [p.shape for p in params] == [(2, 3), (3,), (3, 1), (1,)]


def test_a_changed_learning_rate_takes_effect_at_the_next_step():
    # SGD keeps η as a 0-d array per dtype; setting lr must replace it
    p, g = [np.array([1.0], dtype=np.float32)], [np.array([1.0], dtype=np.float32)]
    opt = ln.SGD(lr=0.1)
    opt.step(p, g)
    opt.lr = 0.5
    opt.step(p, g)
    assert p[0][0] == np.float32(1.0) - np.float32(0.1) - np.float32(0.5)
    assert p[0].dtype == np.float32


def test_fit_seed_shuffles_from_a_stream_of_its_own():
    # Network(seed=s) draws its weights from default_rng(s); fit(seed=s) shuffles from a spawned child of s,
    # so the first epoch's order is not made of the weights' random numbers (docs/accuracy.md: it cost accuracy)
    from lucidnet.training import shuffle_rng

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(12, 2)), rng.normal(size=12)
    assert not np.array_equal(shuffle_rng(7).permutation(12), np.random.default_rng(7).permutation(12))
    net = _net(seed=7)
    per_sample = [net.loss(X[i:i + 1], y[i:i + 1]) for i in range(12)]
    seen = []
    record = ln.LambdaCallback(on_batch_end=lambda state: seen.append(state.batch_loss))
    # an lr so small that no weight moves: the batch losses then name the samples in the order visited
    net.fit(X, y, epochs=1, batch_size=1, optimizer=ln.SGD(lr=1e-300), seed=7, callbacks=[record])
    assert seen == [per_sample[i] for i in shuffle_rng(7).permutation(12)]


def test_absent_biases_are_skipped():
    net = ln.Network([ln.Dense(3, 4, bias=False), ln.Dense(4, 1, bias=False)])
    assert [p.shape for p in net.parameters()] == [(3, 4), (4, 1)]
    assert net.parameter_names() == ["W1", "W2"]
    assert net.layers[0].b is None


def test_full_batch_is_one_step_per_epoch_and_equals_a_manual_loop():
    X, y = _xor()
    net, ref = _net(), _net()
    history = net.fit(X, y, epochs=5, optimizer=ln.SGD(lr=0.5))
    opt = ln.SGD(lr=0.5)
    losses = []
    for _ in range(5):
        e, g = ref.loss_and_gradients(X, y)
        losses.append(e)
        opt.step(ref.parameters(), g)
    assert history.loss == losses
    for a, b in zip(net.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a, b)


def test_per_sample_sgd_in_data_order_equals_a_manual_loop():
    X, y = _xor()
    net, ref = _net(), _net()
    history = net.fit(X, y, epochs=3, batch_size=1, shuffle=False, optimizer=ln.SGD(lr=0.3))
    opt = ln.SGD(lr=0.3)
    epoch_losses = []
    for _ in range(3):
        total = 0.0
        for i in range(4):
            e, g = ref.loss_and_gradients(X[i:i + 1], y[i:i + 1])
            total += e
            opt.step(ref.parameters(), g)
        epoch_losses.append(total / 4)
    np.testing.assert_allclose(history.loss, epoch_losses, rtol=1e-15)
    for a, b in zip(net.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a, b)


def test_mini_batches_count_steps_and_cover_every_sample():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 2)), rng.uniform(size=10)
    net = _net()
    steps = []
    net.fit(X, y, epochs=2, batch_size=4, callbacks=[ln.LambdaCallback(on_batch_end=lambda s: steps.append(s.step))])
    assert steps == [1, 2, 3, 4, 5, 6]  # ceil(10/4) = 3 steps per epoch


def test_summed_losses_record_the_data_set_sum():
    X, y = _xor()
    net = _net(loss="half_sse")
    history = net.fit(X, y, epochs=1, batch_size=2, shuffle=False, optimizer=ln.SGD(lr=1e-12))
    assert history.loss[0] == pytest.approx(net.loss(X, y), rel=1e-9)


def test_same_seed_same_run_bit_for_bit():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 2)), rng.uniform(size=20)

    def run(seed):
        net = ln.Network([ln.Dense(2, 8, activation="relu"), ln.Dropout(0.3), ln.Dense(8, 1)], seed=seed)
        h = net.fit(X, y, epochs=5, batch_size=3, optimizer=ln.Adam(lr=0.01))
        return net.get_weights(), h.loss

    (w1, l1), (w2, l2), (_, l3) = run(42), run(42), run(43)
    assert l1 == l2
    for a, b in zip(w1, w2):
        assert a.tobytes() == b.tobytes()
    assert l1 != l3


def test_fit_seed_controls_shuffling_only():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 2)), rng.uniform(size=20)
    a, b = _net(seed=1), _net(seed=1)
    ha = a.fit(X, y, epochs=3, batch_size=4, seed=5)
    hb = b.fit(X, y, epochs=3, batch_size=4, seed=5)
    assert ha.loss == hb.loss
    c = _net(seed=1)
    assert c.fit(X, y, epochs=3, batch_size=4, seed=6).loss != ha.loss


def test_float32_end_to_end():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 3)), rng.integers(0, 3, 16)  # float64 and int inputs, cast once at the boundary
    layers = [ln.Dense(3, 5, activation="relu"), ln.Dropout(0.2), ln.Dense(5, 3, activation="softmax")]
    net = ln.Network(layers, loss="cross_entropy", dtype="float32", seed=0)
    seen = []

    class Spy(ln.Callback):
        def on_batch_end(self, state):
            for layer in state.network.layers:
                seen.append(layer.x.dtype)
                seen.append(layer.o.dtype)
                if isinstance(layer, ln.Dense):
                    seen.extend([layer.net.dtype, layer.delta.dtype, layer.grad_W.dtype, layer.grad_b.dtype])

    net.fit(X, y, epochs=2, batch_size=4, optimizer=ln.Adam(lr=0.01), callbacks=[Spy()])
    assert seen and set(seen) == {np.dtype(np.float32)}
    assert {p.dtype for p in net.parameters()} == {np.dtype(np.float32)}
    assert net.predict(X).dtype == np.float32
    _, grads = net.loss_and_gradients(X, y)
    assert {g.dtype for g in grads} == {np.dtype(np.float32)}
    assert ln.gradcheck(net, X, y).passed  # checked on a float64 copy


def test_history_validation_and_metrics():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = ln.Network([ln.Dense(2, 8, activation="tanh"), ln.Dense(8, 2, activation="softmax")], loss="cross_entropy",
                     seed=0)
    h = net.fit(X, y, epochs=3, batch_size=8, validation_split=0.25, metrics=["accuracy"])
    assert set(h.history) == {"loss", "val_loss", "accuracy", "val_accuracy", "lr"}
    assert h.epochs == 3 and all(len(v) == 3 for v in h.history.values())
    # the validation samples are the last quarter, never trained on
    assert h.val_loss[-1] == pytest.approx(net.loss(X[30:], y[30:]), rel=1e-12)
    assert h.history["val_accuracy"][-1] == ln.metrics.accuracy(y[30:], net.predict(X[30:]))
    h2 = net.fit(X[:30], y[:30], epochs=1, validation_data=(X[30:], y[30:]), metrics=["accuracy"])
    assert "val_accuracy" in h2.history
    assert h2.to_dict()["epochs"] == 1
    assert "loss=" in repr(h2)


def test_early_stopping_stops_and_restores_the_best_weights():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
    Xv, yv = rng.normal(size=(10, 2)), rng.normal(size=10)  # noise: validation loss soon stops improving
    net = ln.Network([ln.Dense(2, 32, activation="tanh"), ln.Dense(32, 1, activation="identity")], seed=0)
    best = []

    class Keep(ln.Callback):
        def on_epoch_end(self, state):
            best.append((state.logs["val_loss"], net.get_weights()))

    h = net.fit(X, y, epochs=500, optimizer=ln.SGD(lr=0.2), validation_data=(Xv, yv), early_stopping=5,
                callbacks=[Keep()])
    assert h.stopped_early and h.epochs < 500
    best_loss, best_weights = min(best, key=lambda t: t[0])
    assert h.best_epoch == int(np.argmin(h.val_loss))
    assert h.epochs == h.best_epoch + 1 + 6  # patience 5: stops on the 6th epoch without improvement
    for a, b in zip(net.parameters(), best_weights):
        np.testing.assert_array_equal(a, b)
    assert net.loss(Xv, yv) == pytest.approx(best_loss, rel=1e-12)


def test_schedules_change_the_learning_rate():
    X, y = _xor()
    h = _net().fit(X, y, epochs=5, optimizer=ln.SGD(lr=1.0), callbacks=[ln.ExponentialLR(gamma=0.5)])
    assert h["lr"] == [1.0, 0.5, 0.25, 0.125, 0.0625]
    h = _net().fit(X, y, epochs=6, optimizer=ln.SGD(lr=1e-9),
                   callbacks=[ln.ReduceLROnPlateau(factor=0.5, patience=1, threshold=0.5)])
    assert h["lr"][0] == 1e-9 and h["lr"][-1] < 1e-9


def test_stopping_from_a_callback():
    X, y = _xor()
    stop_after_3 = ln.LambdaCallback(on_epoch_end=lambda s: setattr(s, "stop", s.epoch == 2))
    h = _net().fit(X, y, epochs=100, callbacks=[stop_after_3])
    assert h.epochs == 3


def test_ctrl_c_stops_cleanly_after_the_current_step():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 2)), rng.normal(size=32)
    net = _net(loss="mse")
    before = signal.getsignal(signal.SIGINT)

    class CtrlC(ln.Callback):
        def on_batch_end(self, state):
            if state.step == 10:
                os.kill(os.getpid(), signal.SIGINT)

    h = net.fit(X, y, epochs=50, batch_size=4, callbacks=[CtrlC()], early_stopping=ln.EarlyStopping(patience=100))
    assert h.interrupted
    assert h.epochs == 1  # epoch 2 was cut short after step 10 and is not recorded
    assert all(np.isfinite(p).all() for p in net.parameters())
    assert signal.getsignal(signal.SIGINT) is before  # the handler that was there is put back


def test_divergence_stops_with_advice_and_goes_back_to_the_best_epoch():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)) * 100, rng.normal(size=20) * 100
    net = ln.Network([ln.Dense(3, 16, activation="relu"), ln.Dense(16, 1, activation="identity")], seed=0)
    with pytest.raises(ln.TrainingDivergedError, match=r"Lower the learning rate \(now 10; try 1\)") as info:
        net.fit(X, y, epochs=200, optimizer=ln.SGD(lr=10.0))
    err = info.value
    assert err.reason in ("non_finite", "rising") and err.lr == 10.0 and err.epoch is not None
    assert all(np.isfinite(p).all() for p in net.parameters())
    assert np.isfinite(net.loss(X, y))  # back at the best epoch so far (or the start), whose E is finite


def test_a_loss_far_above_its_start_is_divergence_for_every_optimizer():
    # Adam, RMSprop and Adagrad at lr 1e3 do not overflow: their steps are bounded by lr, so the loss stays
    # finite and only rises (0.1.0 ended such runs with a useless model, loss 9.3e5, and no word)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(64, 4)), rng.normal(size=64)
    for name in ("adam", "rmsprop", "adagrad", "sgd"):
        net = ln.Network([ln.Dense(4, 16, activation="relu"), ln.Dense(16, 1, activation="identity")], seed=0)
        start, e0 = net.get_weights(), net.loss(X, y)
        with pytest.raises(ln.TrainingDivergedError) as info:
            net.fit(X, y, epochs=50, batch_size=8, optimizer={"name": name, "lr": 1e3})
        err = info.value
        assert err.reason == ("non_finite" if name == "sgd" else "rising"), name
        assert err.epoch == 0 and err.history.epochs == 0
        if err.reason == "rising":
            assert err.loss > 1e3 * e0 and "times the" in str(err) and "it started from" in str(err)
        for p, q in zip(net.get_weights(), start):  # no epoch finished: back at the starting weights
            np.testing.assert_array_equal(p, q)


def test_the_weights_kept_on_divergence_are_those_of_the_best_epoch():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    net = ln.Network([ln.Dense(3, 8, activation="tanh"), ln.Dense(8, 1, activation="identity")], seed=0)
    kept = []

    class Blow(ln.Callback):  # after three good epochs, a learning rate that blows the weights up
        def on_epoch_end(self, state):
            kept.append(state.network.get_weights())
            if state.epoch == 2:
                state.optimizer.lr = 1e6

    with pytest.raises(ln.TrainingDivergedError) as info:
        net.fit(X, y, epochs=20, optimizer=ln.SGD(lr=0.05), callbacks=[Blow()])
    losses = info.value.history.loss
    best = int(np.argmin(losses))
    for p, q in zip(net.get_weights(), kept[best]):
        np.testing.assert_array_equal(p, q)


def test_sigint_handler_in_place_before_fit_is_put_back_even_when_ignored():
    X, y = _xor()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as for a process started in the background
    try:
        _net().fit(X, y, epochs=2)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_huge_sample_weights_are_scaled_without_overflow():
    X, y = _xor()
    a, b = _net(), _net()
    a.fit(X, y, epochs=3, sample_weight=[1e308, 1e308, 5e307, 1e308], optimizer=ln.SGD(lr=0.5))
    b.fit(X, y, epochs=3, sample_weight=[2.0, 2.0, 1.0, 2.0], optimizer=ln.SGD(lr=0.5))
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)
    with pytest.raises(ValueError, match="finite, >= 0, and not all zero"):
        _net().fit(X, y, epochs=1, sample_weight=[np.inf, 1.0, 1.0, 1.0])


def test_complex_input_is_refused_rather_than_cut_to_its_real_part():
    X, y = _xor()
    with pytest.raises(TypeError, match="real numbers, got complex ones"):
        _net().fit(X + 1j, y, epochs=1)
    with pytest.raises(TypeError, match="real numbers, got complex ones"):
        _net().predict(X.astype(complex))


def test_sample_weights_equal_duplicated_samples():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    a, b = _net(loss="mse"), _net(loss="mse")
    a.fit(X, y, epochs=3, sample_weight=[2, 1, 1, 1, 1], optimizer=ln.SGD(lr=0.1))
    b.fit(np.vstack([X, X[:1]]), np.concatenate([y, y[:1]]), epochs=3, optimizer=ln.SGD(lr=0.1))
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_dropout_is_active_only_while_fitting():
    layer = ln.Dropout(0.5)
    net = ln.Network([ln.Dense(4, 50, activation="identity"), layer, ln.Dense(50, 1)], seed=0)
    X = np.ones((200, 4))
    a, b = net.predict(X), net.predict(X)
    np.testing.assert_array_equal(a, b)  # inference is deterministic
    o = layer.forward(np.ones((200, 50)), training=True)
    assert set(np.unique(o)) == {0.0, 2.0}  # kept units are scaled by 1/(1 − p)
    assert abs(o.mean() - 1.0) < 0.05
    np.testing.assert_array_equal(layer.backward(np.ones((200, 50))), o)


def test_optimizer_state_carries_over_between_fits():
    X, y = _xor()
    a, b = _net(), _net()
    opt = ln.Adam(lr=0.01)
    a.fit(X, y, epochs=2, optimizer=opt)
    a.fit(X, y, epochs=2, optimizer=opt)
    b.fit(X, y, epochs=4, optimizer=ln.Adam(lr=0.01))
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    assert opt.t == 4


def test_optimizer_by_name_and_default():
    X, y = _xor()
    assert _net().fit(X, y, epochs=2, optimizer="adam").epochs == 2
    assert _net().fit(X, y, epochs=1).history["lr"] == [0.1]


def test_config_round_trip_and_weights():
    layers = [ln.Dense(2, 3, activation=ln.LeakyReLU(0.1)), ln.Dropout(0.1), ln.Dense(3, 2, activation="softmax")]
    net = ln.Network(layers, loss="cross_entropy", l2=0.01, seed=0)
    clone = ln.Network.from_config(net.get_config())
    clone.set_weights(net.get_weights())
    X = np.random.default_rng(0).normal(size=(4, 2))
    np.testing.assert_array_equal(net.predict(X), clone.predict(X))
    assert clone.get_config() == net.get_config()
    assert repr(net) == "Network(2 → 3 → 2, loss=cross_entropy, dtype=float64)"
    assert "Dense(2 → 3, LeakyReLU(alpha=0.1))" in net.summary()
    assert net.predict_classes(X).shape == (4,)


def test_early_stopping_state_carries_over_to_the_next_fit():
    # one fit of 12 epochs against three of 4 with the watch's state handed on: same stop, same weights
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + rng.normal(scale=2.0, size=60) > 0).astype(float)
    Xv, yv = X[:20], y[:20]

    def make():
        return ln.Network([ln.Dense(3, 12, "tanh"), ln.Dense(12, 1, "sigmoid")], loss="bce", seed=4)

    whole, opt = make(), ln.SGD(lr=0.5)
    es = ln.EarlyStopping(patience=3, restore_best=False)
    h = whole.fit(X[20:], y[20:], epochs=40, batch_size=5, optimizer=opt, shuffle=False,
                  validation_data=(Xv, yv), early_stopping=es)
    assert h.stopped_early and es.best_epoch is not None and es.best_epoch < len(h.loss) - 1

    parts, opt2, losses, state = make(), ln.SGD(lr=0.5), [], None
    for _ in range(40):
        es2 = ln.EarlyStopping(patience=3, restore_best=False)  # restoring would change the next fit's start
        if state is not None:
            es2.load_state_dict(state)
            assert es2.best_epoch is not None and es2.best_epoch <= 0  # counted from the new fit's first epoch
        hp = parts.fit(X[20:], y[20:], epochs=1, batch_size=5, optimizer=opt2, shuffle=False,
                       validation_data=(Xv, yv), early_stopping=es2)
        losses += hp.loss
        if hp.stopped_early:
            break
        state = es2.state_dict()
        if state["best_epoch"] is not None:
            state["best_epoch"] -= 1  # the next fit starts one epoch later
    assert losses == h.loss  # the same epochs, and the same stop
    assert es2.wait == es.wait == 4
    assert es2.best_epoch - len(hp.loss) + 1 == es.best_epoch - len(h.loss) + 1  # the same best epoch


def test_best_weights_keeps_and_restores_the_best_epoch():
    X, y = _xor()
    seen = []
    net = _net()
    record = ln.LambdaCallback(on_epoch_end=lambda s: seen.append((s.logs["val_loss"], s.network.get_weights())))
    best = ln.BestWeights()
    h = net.fit(X, y, epochs=30, optimizer=ln.SGD(lr=5.0), validation_data=(X, 1 - y), callbacks=[record, best])
    i = int(np.argmin([v for v, _ in seen]))
    assert best.best_epoch == i == h.best_epoch and best.best == seen[i][0]
    for p, q in zip(net.get_weights(), seen[i][1]):  # restored at the end
        np.testing.assert_array_equal(p, q)
    kept = ln.BestWeights(restore=False)
    net2 = _net()
    net2.fit(X, y, epochs=30, optimizer=ln.SGD(lr=5.0), validation_data=(X, 1 - y), callbacks=[kept])
    assert not np.array_equal(net2.get_weights()[0], kept.best_weights[0])  # the last weights stay
    # a score watched with mode="max", and the state carried into the next fit
    up = ln.BestWeights(monitor="acc", mode="max")
    acc = ln.LambdaCallback(on_epoch_end=lambda s: s.logs.__setitem__("acc", -s.logs["loss"]))
    _net().fit(X, y, epochs=5, callbacks=[acc, up])
    again = ln.BestWeights(monitor="acc", mode="max")
    again.load_state_dict(up.state_dict())
    assert again.best == up.best and again.best_epoch == up.best_epoch
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        ln.BestWeights(mode="up")


def test_best_weights_across_fits_keeps_watching():
    X, y = _xor()
    net = _net()
    watch = ln.BestWeights(restore=False, across_fits=True)
    seen = []
    for _ in range(6):
        net.fit(X, y, epochs=1, optimizer=ln.SGD(lr=5.0), validation_data=(X, 1 - y), callbacks=[watch])
        seen.append(net.loss(X, 1 - y))
    assert watch.best == min(seen)
    fresh = ln.BestWeights(restore=False)
    for _ in range(2):
        net.fit(X, y, epochs=1, validation_data=(X, 1 - y), callbacks=[fresh])
    assert fresh.best == net.loss(X, 1 - y)  # without across_fits each fit starts afresh


def test_val_loss_and_metrics_are_those_of_the_checked_path_bit_for_bit():
    # fit prepares the data once and evaluates the epochs unchecked (net.evaluate, net.output): the numbers
    # are net.loss and net.forward's on the user's data, the weights 1 … 20 scaled to average 1 once
    rng = np.random.default_rng(0)
    X, Xv = rng.normal(size=(40, 3)), rng.normal(size=(20, 3))
    y, yv, wv = rng.integers(0, 3, 40), rng.integers(0, 3, 20), np.arange(1.0, 21.0)
    for dtype in ("float64", "float32"):
        net = ln.Network([ln.Dense(3, 5, activation="tanh"), ln.Dense(5, 3, activation="softmax")],
                         loss="cross_entropy", dtype=dtype, seed=0, l2=0.01)
        seen = []

        def record(state, net=net, seen=seen):
            seen.append((net.loss(Xv, yv, wv),
                         ln.metrics.f1_macro(y, net.forward(X)), ln.metrics.f1_macro(yv, net.forward(Xv))))

        h = net.fit(X, y, epochs=4, validation_data=(Xv, yv, wv), metrics=["f1_macro"],
                    callbacks=[ln.LambdaCallback(on_epoch_end=record)])
        assert h["val_loss"] == [s[0] for s in seen]
        assert h["f1_macro"] == [s[1] for s in seen] and h["val_f1_macro"] == [s[2] for s in seen]
