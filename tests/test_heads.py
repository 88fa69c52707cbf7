"""The task → output-head policy (lucidnet.heads) and the network builder every front end uses."""

from __future__ import annotations

import numpy as np
import pytest

import lucidnet as ln
from lucidnet.heads import build_network, head_for, head_of


@pytest.mark.parametrize("task, n, kind, n_out, act, loss", [
    ("classification", 2, "binary", 1, "sigmoid", "bce"),
    ("classification", 5, "multiclass", 5, "softmax", "cross_entropy"),
    ("multilabel", 3, "multilabel", 3, "sigmoid", "bce"),
    ("regression", 1, "regression", 1, "identity", "mse"),
    ("regression", 4, "regression", 4, "identity", "mse"),
])
def test_the_default_head_of_each_task(task, n, kind, n_out, act, loss):
    head = head_for(task, n)
    assert (head.kind, head.n_out, head.activation.name, head.loss.name) == (kind, n_out, act, loss)


def test_choices_that_need_one_unit_per_class_give_two_units_for_two_classes():
    assert head_for("classification", 2, activation="softmax").n_out == 2
    soft = head_for("classification", 2, loss="cross_entropy")
    assert (soft.n_out, soft.activation.name) == (2, "softmax")
    # a loss alone brings the activation it fuses with
    assert head_for("classification", 4, loss="bce").activation.name == "sigmoid"
    assert head_for("classification", 2, activation="tanh", loss="mse").n_out == 1


def test_head_refuses_losses_that_do_not_suit_the_task_and_too_few_classes():
    with pytest.raises(ValueError, match="loss 'cross_entropy' suits classification only, not regression"):
        head_for("regression", 1, loss="cross_entropy")
    with pytest.raises(ValueError, match="the number of classes must be >= 2"):
        head_for("classification", 1)
    with pytest.raises(ValueError, match="task must be"):
        head_for("ranking", 2)


def test_encode_gives_what_each_head_trains_on():
    idx = np.array([1, 0, 2])
    np.testing.assert_array_equal(head_for("classification", 3).encode(idx), idx)  # cross_entropy takes indices
    np.testing.assert_array_equal(head_for("classification", 3, loss="mse").encode(idx), np.eye(3)[idx])
    np.testing.assert_array_equal(head_for("classification", 2).encode([1, 0]), [[1.0], [0.0]])
    assert head_for("regression", 1).encode([1.5, 2.5]).shape == (2, 1)


def test_build_network_follows_sizes_activations_dropout_and_the_head():
    head = head_for("classification", 3)
    net = build_network(4, [8, 6], head, ["tanh", "relu"], dropout=[0.0, 0.5], seed=1, l2=0.1)
    assert [type(layer).__name__ for layer in net.layers] == ["Dense", "Dense", "Dropout", "Dense"]
    assert [layer.activation.name for layer in net.layers if hasattr(layer, "activation")] == ["tanh", "relu",
                                                                                             "softmax"]
    assert (net.n_in, net.n_out, net.loss_fn.name, net.l2) == (4, 3, "cross_entropy", 0.1)
    assert build_network(4, [], head_for("regression", 2)).layers[0].n_out == 2  # no hidden layer
    same = build_network(4, [8, 6], head, ["tanh", "relu"], dropout=[0.0, 0.5], seed=1, l2=0.1)
    for p, q in zip(net.parameters(), same.parameters()):
        np.testing.assert_array_equal(p, q)
    with pytest.raises(ValueError, match="activation has 1 entries for 2 hidden layers"):
        build_network(4, [8, 6], head, ["tanh"])


def test_head_of_a_loaded_two_softmax_network_still_encodes_for_it():
    old = ln.Network([ln.Dense(2, 2, activation="softmax")], loss="cross_entropy")  # how 0.1.0 saved two classes
    head = head_of(old, "binary")
    assert head.n_out == 2
    np.testing.assert_array_equal(head.encode([1, 0]), [1, 0])
