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


#: what each module path of 0.1.0 exported (its ``__all__``), which must still be found there until 0.3
OLD_MODULES = {
    "lucidnet.arrays": ["from_dataframe", "split_target"],
    "lucidnet.bundle": ["ModelBundle", "Preprocessing"],
    "lucidnet.checkpoints": ["Checkpoint", "load_checkpoint", "save_checkpoint"],
    "lucidnet.csvfile": ["read_csv"],
    "lucidnet.datasets": ["DATASETS", "Dataset", "GENERATORS", "gender_inputs", "gender_names", "list_datasets",
                          "load", "load_gender", "load_house_prices", "load_two_records",
                          "load_two_records_multilabel", "load_xor", "load_xor_ordered", "make_circle", "make_gauss",
                          "make_moons", "make_multi_gaussian", "make_plane", "make_spiral", "make_xor", "make_xor2d"],
    "lucidnet.explain": ["configure_explain_parser", "run_explain"],
    "lucidnet.idx": ["find_mnist", "load_mnist", "read_idx", "read_idx_pair"],
    "lucidnet.model_file": ["FORMAT_VERSION", "load", "load_model", "save_model"],
    "lucidnet.preprocessing": ["LabelEncoder", "Standardizer", "one_hot"],
    "lucidnet.safetensors_file": ["ModelFileError", "atomic_write", "read_safetensors", "write_safetensors"],
    "lucidnet.table": ["DataError", "PathLike", "Table"],
    "lucidnet.txt_file": ["load_txt", "save_txt"],
}


def test_the_moved_table_covers_every_module_path_of_010():
    from lucidnet import _moved

    assert set(_moved.MOVED) == set(OLD_MODULES)


@pytest.mark.parametrize("old", sorted(OLD_MODULES))
def test_a_module_path_of_010_imports_with_a_warning_and_keeps_its_names(old, monkeypatch):
    import importlib
    import sys

    import lucidnet
    from lucidnet import _moved

    new = _moved.MOVED[old][0]
    monkeypatch.delitem(sys.modules, old, raising=False)
    monkeypatch.delitem(vars(lucidnet), old.rsplit(".", 1)[1], raising=False)  # delattr would ask __getattr__
    with pytest.warns(DeprecationWarning, match=rf"^{old} moved to {new} in lucidnet 0\.2; the old path goes in 0\.3$"):
        module = importlib.import_module(old)
    homes = [importlib.import_module(m) for m in _moved.MOVED[old]]
    for name in OLD_MODULES[old]:
        assert getattr(module, name) is getattr(next(h for h in homes if hasattr(h, name)), name)
    assert set(OLD_MODULES[old]) <= set(dir(module))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        module.no_such_name  # noqa: B018


def test_the_010_module_paths_are_attributes_of_the_package_with_a_warning_at_the_readers_line(monkeypatch):
    import sys

    import lucidnet
    from lucidnet.data import preprocessing

    monkeypatch.delitem(sys.modules, "lucidnet.preprocessing", raising=False)
    monkeypatch.delitem(vars(lucidnet), "preprocessing", raising=False)
    with pytest.warns(DeprecationWarning, match="lucidnet.preprocessing moved to lucidnet.data.preprocessing") as seen:
        old = lucidnet.preprocessing
    assert old.one_hot is preprocessing.one_hot and old.Standardizer is lucidnet.Standardizer
    assert seen[0].filename == __file__
    with pytest.raises(AttributeError, match="module 'lucidnet' has no attribute 'no_such_module'"):
        lucidnet.no_such_module  # noqa: B018
