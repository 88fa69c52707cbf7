"""Files written by lucidnet 0.1.0 (tests/fixtures/v0.1.0) load, predict and resume exactly as before."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from lucidnet import cli
from lucidnet.data import read_for_model
from lucidnet.io import load_checkpoint, load_model

FIXTURES = Path(__file__).parent / "fixtures" / "v0.1.0"
EXPECTED = np.load(FIXTURES / "expected-0.1.0.npz")


def rows(bundle, name):
    pre = bundle.preprocessing
    return read_for_model(FIXTURES / name, bundle.n_features, pre.feature_names, pre.target_name).X


def test_two_class_softmax_model_of_010_predicts_as_before():
    bundle = load_model(FIXTURES / "people-0.1.0.safetensors")
    net = bundle.network
    assert net.n_out == 2 and net.layers[-1].activation.name == "softmax" and net.loss_fn.name == "cross_entropy"
    assert bundle.preprocessing.classes == ["F", "M"]
    X = rows(bundle, "people.csv")
    np.testing.assert_array_equal(bundle.predict_raw(X), EXPECTED["people_raw"])
    labels = bundle.predict(X)
    assert set(labels) <= {"F", "M"} and list(labels) == [["F", "M"][i] for i in EXPECTED["people_raw"].argmax(1)]


@pytest.mark.parametrize("name", ["houses-0.1.0.safetensors", "houses-0.1.0.txt"])
def test_regression_model_and_text_export_of_010_predict_as_before(name):
    bundle = load_model(FIXTURES / name)
    X = rows(bundle, "houses.csv")
    np.testing.assert_array_equal(bundle.predict_raw(X), EXPECTED["houses_raw"])
    np.testing.assert_array_equal(bundle.predict(X), EXPECTED["houses_pred"])


def test_checkpoint_of_010_resumes_to_the_same_weights(tmp_path):
    ck = tmp_path / "people.ckpt.safetensors"
    shutil.copy(FIXTURES / "people-0.1.0.ckpt.safetensors", ck)
    shutil.copy(FIXTURES / "people.csv", tmp_path / "people.csv")
    assert load_checkpoint(ck).epoch == 10
    out = tmp_path / "resumed.safetensors"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status = cli.main(["train", "--resume", str(ck), "--data", str(tmp_path / "people.csv"), "--epochs", "20",
                           "--out", str(out), "--checkpoint", str(tmp_path / "next.ckpt.safetensors"), "--quiet"])
    assert status == 0
    weights = load_model(out).network.get_weights()
    assert len(weights) == 4
    for i, w in enumerate(weights):
        np.testing.assert_array_equal(w, EXPECTED[f"resumed_w{i}"])
