"""Bad input meets a clear error at the public boundary, naming the value and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import lucidnet as ln


@pytest.fixture
def net():
    return ln.Network([ln.Dense(3, 4, activation="tanh"), ln.Dense(4, 2, activation="identity")], seed=0)


def test_wrong_number_of_columns_names_both_shapes(net):
    with pytest.raises(ValueError, match=r"X has 2 columns but the network expects 3 \(shape \(5, 2\)\)"):
        net.predict(np.zeros((5, 2)))


def test_y_shape_mismatch_names_both_shapes(net):
    with pytest.raises(ValueError, match=r"y has shape \(5, 3\) but the network has 2 output\(s\); expected \(5, 2\)"):
        net.fit(np.zeros((5, 3)), np.zeros((5, 3)), epochs=1)


def test_sample_count_mismatch(net):
    with pytest.raises(ValueError, match="X has 5 samples but y has 4; they must match"):
        net.loss(np.zeros((5, 3)), np.zeros((4, 2)))


def test_layer_widths_must_chain():
    message = r"layers\[1\] Dense\(5 → 1, sigmoid\) takes 5 inputs but the layer before gives 4"
    with pytest.raises(ValueError, match=message):
        ln.Network([ln.Dense(3, 4), ln.Dense(5, 1)])


@pytest.mark.parametrize("kind, spec, valid", [
    ("activation", "sigmod", "elu, gelu, identity, leaky_relu, maxout, relu, sigmoid, silu, softmax, softplus, tanh"),
    ("loss", "rmse", "bce, cross_entropy, half_sse, huber, mae, mse, sse"),
    ("optimizer", "lbfgs", "adagrad, adam, rmsprop, sgd"),
    ("initializer", "xavier",
     "glorot_normal, glorot_uniform, he_normal, he_uniform, lecun, mlp_uniform, normal, uniform, zeros"),
])
def test_unknown_names_list_the_valid_ones(kind, spec, valid, net):
    msg = f"unknown {kind} '{spec}'; valid names are: {valid}"
    with pytest.raises(ValueError, match=msg):
        if kind == "activation":
            ln.Dense(2, 2, activation=spec)
        elif kind == "loss":
            ln.Network([ln.Dense(2, 2)], loss=spec)
        elif kind == "optimizer":
            net.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=1, optimizer=spec)
        else:
            ln.Dense(2, 2, init=spec)


def test_unknown_metric(net):
    valid = "accuracy, f1_macro, mae, precision_macro, r2, recall_macro, rmse, roc_auc"
    with pytest.raises(ValueError, match=f"unknown metric 'f1'; valid names are: {valid}$"):
        net.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=1, metrics=["f1"])


@pytest.mark.parametrize("spec, meant", [("Relu", "relu"), ("RELU", "relu"), ("sigmod", "sigmoid"),
                                         ("Tanh", "tanh"), ("leakyrelu", "leaky_relu")])
def test_unknown_names_say_which_was_meant_case_insensitively(spec, meant):
    with pytest.raises(ValueError, match=f"valid names are: .*\\. Did you mean '{meant}'\\?$"):
        ln.Dense(2, 2, activation=spec)


def test_a_1d_sample_is_one_row_where_the_network_has_that_many_inputs():
    net = ln.Network([ln.Dense(2, 3, "tanh"), ln.Dense(3, 1, "sigmoid")], loss="bce", seed=0)
    np.testing.assert_array_equal(net.predict([2, 3]), net.predict([[2, 3]]))
    assert net.forward(np.array([2.0, 3.0])).shape == (1, 1)
    with pytest.raises(ValueError, match=r"X is 1-D with 3 values; the network takes samples of 2 values"):
        net.predict([1, 2, 3])
    one_input = ln.Network([ln.Dense(1, 1)], seed=0)
    assert one_input.predict([1.0, 2.0, 3.0]).shape == (3, 1)  # one input: a 1-D array is a column of samples


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs(bad, net):
    X = np.zeros((3, 3))
    X[1, 2] = bad
    with pytest.raises(ValueError, match=r"X contains NaN or infinity \(first at row 1, column 2\)"):
        net.fit(X, np.zeros((3, 2)), epochs=1)
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        net.fit(np.zeros((3, 3)), np.array([[0, 0], [0, bad], [0, 0]]), epochs=1)


@pytest.mark.parametrize("lr", [0, -0.1, np.nan])
def test_learning_rate_must_be_positive(lr):
    with pytest.raises(ValueError, match=f"learning rate must be > 0, got {lr}"):
        ln.SGD(lr=lr)


@pytest.mark.parametrize("epochs, err, msg", [
    (0, ValueError, "epochs must be >= 1, got 0"),
    (-3, ValueError, "epochs must be >= 1, got -3"),
    (2.5, TypeError, "epochs must be an integer, got 2.5"),
])
def test_epochs_must_be_positive(epochs, err, msg, net):
    with pytest.raises(err, match=msg):
        net.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=epochs)


def test_batch_size_and_validation_split(net):
    X, y = np.zeros((4, 3)), np.zeros((4, 2))
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        net.fit(X, y, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"validation_split must be in \[0, 1\), got 1.5"):
        net.fit(X, y, epochs=1, validation_split=1.5)
    with pytest.raises(ValueError, match="leaves 4 for training and 0 for validation"):
        net.fit(X, y, epochs=1, validation_split=0.1)
    with pytest.raises(ValueError, match="either validation_data or validation_split"):
        net.fit(X, y, epochs=1, validation_split=0.5, validation_data=(X, y))


def test_backward_before_forward_is_a_clear_error():
    layer = ln.Dense(2, 2, init=np.eye(2))
    with pytest.raises(RuntimeError, match=r"backward\(\) called before forward\(\): run forward\(x\) first"):
        layer.backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="no weights yet: add it to a Network"):
        ln.Dense(2, 2).forward(np.ones((1, 2)))


def test_non_numeric_and_ragged_input(net):
    with pytest.raises(TypeError, match="X must contain numbers, got an array of dtype <U1"):
        net.predict([["a", "b", "c"]])
    with pytest.raises(ValueError, match="X must be a rectangular array of numbers"):
        net.predict([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError, match=r"X is empty \(shape \(0, 3\)\)"):
        net.predict(np.zeros((0, 3)))


def test_constructor_arguments():
    with pytest.raises(ValueError, match="n_out must be >= 1, got 0"):
        ln.Dense(2, 0)
    with pytest.raises(ValueError, match=r"init array has shape \(2, 2\), expected \(3, 2\)"):
        ln.Dense(3, 2, init=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="dtype must be 'float64' or 'float32', got 'float16'"):
        ln.Network([ln.Dense(2, 2)], dtype="float16")
    with pytest.raises(ValueError, match=r"dropout p must be in \[0, 1\), got 1.0"):
        ln.Dropout(1.0)
    with pytest.raises(TypeError, match="layers must be a list of layers"):
        ln.Network(ln.Dense(2, 2))
    with pytest.raises(ValueError, match="the last layer must be Dense"):
        ln.Network([ln.Dense(2, 2), ln.Dropout(0.5)])
    with pytest.raises(ValueError, match="l2 must be >= 0, got -1"):
        ln.Network([ln.Dense(2, 2)], l2=-1)


def test_set_weights_checks_shapes(net):
    with pytest.raises(ValueError, match=r"W1 must have shape \(3, 4\), got \(4, 3\)"):
        net.set_weights([np.zeros((4, 3)), np.zeros(4), np.zeros((4, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match=r"expected 4 arrays \(W1, b1, W2, b2\), got 1"):
        net.set_weights([np.zeros((3, 4))])


def test_sample_weight_checks(net):
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(2,\), got \(3,\)"):
        net.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=1, sample_weight=[1, 1, 1])
    with pytest.raises(ValueError, match="sample_weight must be finite, >= 0, and not all zero"):
        net.fit(np.zeros((2, 3)), np.zeros((2, 2)), epochs=1, sample_weight=[-1, 1])


def test_large_finite_inputs_are_not_mistaken_for_infinity():
    from lucidnet.checks import as_2d_array

    X = np.array([[1e308, 1e308], [-1e308, 1.0]])  # the sum overflows; every value is finite
    np.testing.assert_array_equal(as_2d_array("X", X, np.dtype(np.float64)), X)
    with pytest.raises(ValueError, match=r"first at row 1, column 0"):
        as_2d_array("X", np.array([[1.0, 2.0], [np.inf, -np.inf]]), np.dtype(np.float64))
    # a row whose sum overflows comes before the row with the NaN: the NaN's own position is reported
    X = np.array([[3e38, 3e38, 1.0], [0.0, 0.0, 0.0], [1.0, np.nan, 2.0]], dtype=np.float32)
    with pytest.raises(ValueError, match=r"first at row 2, column 1"):
        as_2d_array("X", X, np.dtype(np.float32))


def test_integer_inputs_are_cast_without_a_finite_check():
    from lucidnet.checks import as_2d_array

    X = np.array([[0, 255], [7, 1]], dtype=np.uint8)  # e.g. raw MNIST pixels
    out = as_2d_array("X", X, np.dtype(np.float32))
    assert out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, [[0.0, 255.0], [7.0, 1.0]])
    big = np.array([[np.iinfo(np.uint64).max]], dtype=np.uint64)
    assert np.isfinite(as_2d_array("X", big, np.dtype(np.float32))).all()
