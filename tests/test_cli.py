"""The command line, in process (fast) and, where signals and the console script matter, as a subprocess."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import require

from lucidnet import cli
from lucidnet.callbacks import BestWeights
from lucidnet.io import load, load_checkpoint, load_model, load_txt

SRC = Path(__file__).resolve().parents[1] / "src"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def read_csv_rows(path: Path) -> list[list[str]]:
    with open(path, newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def iris(tmp_path) -> Path:
    """Three classes with text labels, features in very different units."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3)) * [10, 1, 100] + [50, 0, 1000]
    label = np.where(
        X[:, 0] + 5 * X[:, 1] > 50, "setosa", np.where(X[:, 2] > 1000, "virginica", "versicolor")
    )
    return write_csv(
        tmp_path / "iris.csv", ["len", "wid", "mass", "species"], [[*x, s] for x, s in zip(X, label)]
    )


@pytest.fixture
def houses(tmp_path) -> Path:
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 1, size=(100, 2)) * [200, 5] + [50, 1]
    price = 1000 * X[:, 0] + 20000 * X[:, 1] + 5000
    return write_csv(tmp_path / "houses.csv", ["area", "rooms", "price"], [[*x, p] for x, p in zip(X, price)])


# ------------------------------------------------------------------------------------------ train / predict
def test_train_with_no_options_uses_the_default_data_set(run, tmp_path):
    rc, out, err = run("train", "--quiet")
    assert rc == 0, err
    assert f"on data set {cli.DEFAULT_DATASET}" in out
    assert "model saved to lucidnet-model.safetensors" in out
    b = load_model(tmp_path / "lucidnet-model.safetensors")
    # the defaults hold out a validation split, stop early on its loss and keep the best epoch's weights
    assert b.preprocessing.classes == [0, 1] and b.history["epochs"] <= 200
    best = b.history["best_epoch"]
    assert f"saved the weights of epoch {best + 1} of {b.history['epochs']}, the best" in out
    assert "validation (40 rows): accuracy " in out
    rc, out, _ = run("evaluate", "lucidnet-model.safetensors", cli.DEFAULT_DATASET)
    acc = float(out.split("accuracy: ")[1].split()[0])
    assert rc == 0 and acc >= 0.95


def test_classes_round_trip_through_predict(run, tmp_path, iris):
    rc, out, err = run("train", "--data", iris, "--out", "iris.safetensors", "--epochs", "60", "--quiet")
    assert rc == 0, err
    rc, out, err = run("predict", "iris.safetensors", iris, "--proba", "--precision", "17")
    assert rc == 0, err
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["prediction", "proba_setosa", "proba_versicolor", "proba_virginica"]
    truth = [r[3] for r in read_csv_rows(iris)][1:]
    pred = [r[0] for r in rows[1:]]
    assert set(pred) <= {"setosa", "versicolor", "virginica"}
    assert np.mean(np.array(pred) == np.array(truth)) > 0.9
    p = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    # the features alone, in another column order, give the same predictions (columns matched by name)
    data = read_csv_rows(iris)
    write_csv(tmp_path / "feat.csv", ["mass", "len", "wid"], [[r[2], r[0], r[1]] for r in data[1:]])
    rc, out2, _ = run("predict", "iris.safetensors", "feat.csv")
    assert rc == 0 and [r[0] for r in csv.reader(out2.splitlines())][1:] == pred


def test_regression_predicts_in_original_units(run, houses):
    rc, _, err = run("train", "--data", houses, "--out", "h.safetensors", "--epochs", "150", "--lr", "0.01",
                     "--layers", "8", "--quiet")  # fmt: skip
    assert rc == 0, err
    rc, out, _ = run("predict", "h.safetensors", houses, "--out", "pred.csv")
    assert rc == 0
    rows = read_csv_rows(Path("pred.csv"))
    assert rows[0] == ["prediction"]
    pred = np.array([float(r[0]) for r in rows[1:]])
    truth = np.array([float(r[2]) for r in read_csv_rows(houses)[1:]])
    assert np.median(np.abs(pred - truth) / truth) < 0.05  # prices, not z-scores
    rc, out, _ = run("evaluate", "h.safetensors", houses)
    r2 = float(out.split("R²: ")[1].split()[0])
    assert rc == 0 and r2 > 0.95 and "MAE (price)" in out and "RMSE (price)" in out


def test_evaluate_prints_confusion_matrix(run, iris):
    run("train", "--data", iris, "--out", "m.safetensors", "--epochs", "5", "--quiet")
    rc, out, _ = run("evaluate", "m.safetensors", iris)
    assert rc == 0
    assert "loss (cross_entropy, mean per sample):" in out and "accuracy:" in out
    lines = out.splitlines()
    i = lines.index("confusion matrix (rows: true class, columns: predicted):")
    assert lines[i + 1].split() == ["setosa", "versicolor", "virginica"]
    counts = [[int(v) for v in line.split()[1:]] for line in lines[i + 2 : i + 5]]
    assert sum(map(sum, counts)) == 120


def test_config_toml_and_command_line_override(run, tmp_path, iris):
    (tmp_path / "c.toml").write_text(
        'layers = "4,3"\nepochs = 3\nactivation = "tanh"\nout = "t.safetensors"\n'
    )
    rc, _, err = run("train", "--data", iris, "--config", "c.toml", "--epochs", "2", "--quiet")
    assert rc == 0, err
    b = load_model(tmp_path / "t.safetensors")
    assert [layer.n_out for layer in b.network.layers] == [4, 3, 3]
    assert b.network.layers[0].activation.name == "tanh"
    assert b.history["epochs"] == 2
    (tmp_path / "bad.toml").write_text("learning_rate = 3\n")
    rc, _, err = run("train", "--config", "bad.toml")
    assert rc == 2 and "unknown option 'learning_rate'" in err


def test_export_txt_round_trip(run, tmp_path, iris):
    run("train", "--data", iris, "--out", "m.safetensors", "--epochs", "2", "--quiet")
    rc, out, _ = run("export", "m.safetensors", "--format", "txt")
    assert rc == 0 and "m.txt" in out
    a, b = load(tmp_path / "m.safetensors"), load_txt(tmp_path / "m.txt")
    X = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_gradcheck_command(run, tmp_path, iris):
    rc, out, _ = run("gradcheck", "--dataset", "moons")
    assert rc == 0 and "passed: max relative error" in out
    run("train", "--data", iris, "--out", "m.safetensors", "--epochs", "2", "--quiet", "--activation", "tanh")
    rc, out, _ = run("gradcheck", "--model", "m.safetensors", "--data", iris)
    assert rc == 0 and "W1" in out
    rc, out, _ = run("gradcheck", "--dataset", "moons", "--tol", "1e-30", "--atol", "0")
    assert rc == 1 and "FAILED" in out


def test_datasets_command_lists_sizes(run):
    rc, out, _ = run("datasets")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["name", "samples", "features", "task"]
    row = next(line for line in lines if line.startswith("gender "))
    assert row.split()[1:3] == ["4", "2"]


def test_every_command_has_help(run):
    for cmd in ("train", "predict", "evaluate", "plot", "export", "gradcheck", "datasets"):
        rc, out, _ = run(cmd, "--help")
        assert rc == 0 and out.startswith(f"usage: lucidnet {cmd}")
    rc, out, _ = run("train", "--help")
    for option in ("--data", "--dataset", "--target", "--layers", "--activation", "--output-activation", "--loss",
                   "--optimizer", "--lr", "--epochs", "--batch-size", "--seed", "--validation-split",
                   "--early-stopping", "--standardize", "--no-standardize", "--config", "--out", "--quiet",
                   "--checkpoint-every", "--resume", "--features", "--drop", "--id", "--missing", "--sep",
                   "--test-split", "--keep"):  # fmt: skip
        assert option in out, option


# ------------------------------------------------------------------------------------------ bad input
def _bad(run, tmp_path, args, message, before=None):
    """One line on stderr starting 'lucidnet: error:', exit 2, no traceback, no output file."""
    files_before = set(os.listdir(tmp_path))
    rc, out, err = run(*args)
    assert rc == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lucidnet: error: ") and message in lines[0], lines[0]
    assert "Traceback" not in err
    new = set(os.listdir(tmp_path)) - files_before
    assert not new, f"left behind: {new}"


def _csv(tmp_path, text, name="d.csv"):
    (tmp_path / name).write_text(text)
    return name


def test_bad_missing_file(run, tmp_path):
    _bad(run, tmp_path, ["train", "--data", "nope.csv"], "nope.csv: no such file")


def test_bad_empty_file(run, tmp_path):
    _bad(run, tmp_path, ["train", "--data", _csv(tmp_path, "")], "file is empty")


def test_bad_header_only(run, tmp_path):
    _bad(run, tmp_path, ["train", "--data", _csv(tmp_path, "a,b,y\n")], "header row but no data rows")


def test_bad_non_numeric_feature_names_row_and_column(run, tmp_path):
    # a column of numbers with a cell that is not one (a column of words would be categories)
    _bad(run, tmp_path, ["train", "--data", _csv(tmp_path, "a,b,y\n1,2,0\n3,abc,1\n5,6,0\n")],
         "row 3, column 'b': 'abc' is not a number, and 2 of the column's 3 cells are")  # fmt: skip


def test_bad_missing_value(run, tmp_path):
    _bad(
        run,
        tmp_path,
        ["train", "--data", _csv(tmp_path, "a,b,y\n1,,0\n3,4,1\n"), "--missing", "error"],
        "row 2, column 'b': missing value (--missing error)",
    )


def test_bad_nan_or_inf(run, tmp_path):
    _bad(
        run,
        tmp_path,
        ["train", "--data", _csv(tmp_path, "a,b,y\n1,2,0\ninf,4,1\n")],
        "row 3, column 'a': value is inf",
    )
    _bad(run, tmp_path, ["train", "--data", _csv(tmp_path, "a,b,y\nNaN,2,0\n3,4,1\n", "n.csv"), "--missing", "error"],
         "row 2, column 'a': missing value")


def test_bad_ragged_rows(run, tmp_path):
    _bad(
        run,
        tmp_path,
        ["train", "--data", _csv(tmp_path, "a,b,y\n1,2,0\n3,4\n")],
        "row 3 has 2 fields but the header has 3",
    )


def test_bad_binary_file(run, tmp_path):
    (tmp_path / "img.csv").write_bytes(bytes(range(256)) * 8)
    _bad(run, tmp_path, ["train", "--data", "img.csv"], "binary file")


def test_bad_wrong_number_of_columns_at_predict(run, tmp_path, iris):
    run("train", "--data", iris, "--out", "m.safetensors", "--epochs", "2", "--quiet")
    _csv(tmp_path, "len,wid\n1,2\n", "two.csv")
    _bad(run, tmp_path, ["predict", "m.safetensors", "two.csv", "--out", "p.csv"],
         "two.csv: no column 'mass', which the model reads (len, wid, mass); columns are: len, wid")  # fmt: skip


def test_bad_unknown_target_column(run, tmp_path, iris):
    _bad(run, tmp_path, ["train", "--data", iris, "--target", "kind"],
         "unknown target column 'kind'; columns are: len, wid, mass, species")  # fmt: skip


def test_bad_unknown_activation(run, tmp_path):
    _bad(
        run,
        tmp_path,
        ["train", "--activation", "relux"],
        "unknown activation 'relux'; valid names are: elu, gelu",
    )


def test_activation_and_optimizer_parameters_on_the_command_line_and_in_toml(run, tmp_path, iris):
    rc, _, err = run("train", "--data", iris, "--layers", "4", "--activation", "leaky_relu:alpha=0.2",
                     "--optimizer", "sgd:momentum=0.9,nesterov=true", "--lr", "0.05", "--epochs", "2",
                     "--out", "a.safetensors", "--quiet")
    assert rc == 0, err
    net = load_model(tmp_path / "a.safetensors").network
    assert net.layers[0].activation.get_config() == {"name": "leaky_relu", "alpha": 0.2}
    (tmp_path / "m.toml").write_text('epochs = 2\nactivation = {name = "maxout", k = 3}\nout = "m.safetensors"\n')
    rc, _, err = run("train", "--data", iris, "--layers", "4", "--config", "m.toml", "--quiet")
    assert rc == 0, err
    layer = load_model(tmp_path / "m.safetensors").network.layers[0]
    assert layer.activation.get_config() == {"name": "maxout", "k": 3} and layer.W.shape[1] == 4 * 3


@pytest.mark.parametrize("args, message", [
    (["--activation", "leaky_relu:beta=1"], "activation 'leaky_relu' does not take the parameters ['beta']; "
                                            "it takes alpha"),
    (["--activation", "leaky_relu:alpha"], "must look like name or name:key=value,key=value"),
    (["--activation", "maxout:k=1.5"], "maxout k must be an integer, got 1.5"),
    (["--output-activation", "relu:alpha=1"],
     "activation 'relu' does not take the parameters ['alpha']; it takes none"),
    (["--optimizer", "sgd:lr=1"], "give the learning rate with --lr"),
    (["--optimizer", "adam:beta=0.9"], "does not take the parameters ['beta']; it takes lr, betas, eps"),
    (["--optimizer", "adam:betas=0.9"], "Adam betas must be two numbers (beta_1, beta_2), got 0.9"),
])
def test_bad_activation_and_optimizer_parameters(run, tmp_path, args, message):
    _bad(run, tmp_path, ["train", *args], message)


def test_bad_unknown_loss(run, tmp_path):
    _bad(
        run,
        tmp_path,
        ["train", "--loss", "hinge"],
        "unknown loss 'hinge'; valid names are: bce, cross_entropy",
    )


def test_bad_unknown_optimizer(run, tmp_path):
    _bad(
        run,
        tmp_path,
        ["train", "--optimizer", "lion"],
        "unknown optimizer 'lion'; valid names are: adagrad, adam",
    )


def test_bad_lr_not_positive(run, tmp_path):
    _bad(run, tmp_path, ["train", "--lr", "0"], "--lr must be > 0, got 0.0")


def test_bad_epochs_not_positive(run, tmp_path):
    _bad(run, tmp_path, ["train", "--epochs", "0"], "--epochs must be >= 1, got 0")


def test_bad_option_combinations_the_engine_rejects(run, tmp_path, iris):
    _bad(run, tmp_path, ["train", "--dataset", "house_prices", "--loss", "bce"],
         "loss 'bce' suits classification only, not regression")  # fmt: skip
    _bad(run, tmp_path, ["train", "--data", iris, "--task", "regression"],
         "the target 'species' holds text ('setosa'): it can only be classes")  # fmt: skip


def test_training_that_diverges_saves_the_best_weights_and_says_what_to_change(run, tmp_path, houses):
    rc, _, err = run(
        "train", "--data", houses, "--optimizer", "sgd", "--lr", "100", "--no-standardize", "--quiet"
    )
    lines = err.splitlines()
    assert rc == 1 and lines[0].startswith("lucidnet: error: training diverged at epoch "), err
    assert "saved to lucidnet-model.safetensors" in lines[0]
    # advice in the command's own options, not Python calls
    assert lines[1] == "lucidnet: try a lower learning rate, --lr 10 (now 100), --standardize, --optimizer adam"
    assert "Standardizer" not in err and "init=" not in err
    bundle = load_model(tmp_path / "lucidnet-model.safetensors")
    assert all(np.isfinite(p).all() for p in bundle.network.parameters())


def test_adam_at_a_huge_learning_rate_is_divergence_too(run, tmp_path):
    # Adam's steps are bounded by lr, so the loss only rises (0.1.0 exited 0 with a useless model)
    rc, _, err = run("train", "--dataset", "house_prices", "--lr", "1000", "--quiet")
    assert rc == 1 and "over a thousand times where it started" in err, err
    assert "--lr 100 (now 1000)" in err
    assert (tmp_path / "lucidnet-model.safetensors").exists()


@pytest.fixture
def model(run, tmp_path, iris) -> bytes:
    run("train", "--data", iris, "--out", "m.safetensors", "--epochs", "2", "--quiet")
    return (tmp_path / "m.safetensors").read_bytes()


def test_bad_truncated_model(run, tmp_path, iris, model):
    (tmp_path / "t.safetensors").write_bytes(model[: len(model) // 2])
    _bad(run, tmp_path, ["predict", "t.safetensors", iris, "--out", "p.csv"], "t.safetensors: ")


def test_bad_corrupted_model(run, tmp_path, iris, model):
    raw = bytearray(model)
    raw[10:14] = b"\xff\xfe\x00!"
    (tmp_path / "c.safetensors").write_bytes(bytes(raw))
    _bad(run, tmp_path, ["evaluate", "c.safetensors", iris], "corrupted header")


def test_bad_unwritable_output_path(run, tmp_path, iris, model):
    _bad(run, tmp_path, ["train", "--out", "no/such/dir/m.safetensors"], "folder no/such/dir does not exist")
    (tmp_path / "afile").write_text("x")  # unwritable for every user, root included
    _bad(run, tmp_path, ["predict", "m.safetensors", iris, "--out", "afile/p.csv"], "afile is a file, not a folder")
    _bad(run, tmp_path, ["train", "--out", str(tmp_path)], "it is a directory")
    if os.geteuid() != 0:  # permission bits do not bind root
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro").chmod(0o500)
        try:
            _bad(run, tmp_path, ["predict", "m.safetensors", iris, "--out", "ro/p.csv"], "permission denied")
        finally:
            (tmp_path / "ro").chmod(0o700)


def test_debug_shows_the_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    args = [sys.executable, "-m", "lucidnet", "train", "--data", "nope.csv"]
    r = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2 and r.stderr == "lucidnet: error: nope.csv: no such file\n"
    r = subprocess.run(
        [*args, "--debug"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback (most recent call last)" in r.stderr and "DataError" in r.stderr


# ------------------------------------------------------------------------------------------ interrupts
def test_ctrl_c_saves_best_weights_and_exits_130(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    args = [sys.executable, "-m", "lucidnet", "train", "--dataset", "spiral", "--epochs", "1000000",
            "--out", "m.safetensors"]  # fmt: skip
    p = subprocess.Popen(
        args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert p.stderr is not None
    first = p.stderr.readline()  # the first progress line: training is under way
    assert first.startswith("epoch"), first
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "interrupted after" in err and "saved to m.safetensors" in err
    b = load_model(tmp_path / "m.safetensors")
    assert b.history["interrupted"] is True and b.history["epochs"] >= 1


def test_interrupted_and_resumed_equals_uninterrupted(run, tmp_path, monkeypatch):
    common = ["train", "--dataset", "moons", "--layers", "6", "--batch-size", "16", "--seed", "3", "--quiet"]
    rc, _, err = run(*common, "--epochs", "6", "--out", "full.safetensors")
    assert rc == 0, err

    # the same run, stopped by Ctrl-C during epoch 5, with a checkpoint every 2 epochs
    original = BestWeights.on_epoch_end

    def interrupt_in_epoch_5(self, state):
        original(self, state)
        if state.epoch == 3:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(BestWeights, "on_epoch_end", interrupt_in_epoch_5)
    rc, _, err = run(*common, "--epochs", "6", "--out", "part.safetensors", "--checkpoint-every", "2")
    assert rc == 130, err
    monkeypatch.setattr(BestWeights, "on_epoch_end", original)
    ck = load_checkpoint(tmp_path / "part.ckpt.safetensors")
    assert ck.epoch == 4

    rc, _, err = run("train", "--resume", "part.ckpt.safetensors", "--out", "resumed.safetensors", "--quiet")
    assert rc == 0, err
    full, resumed = load_model(tmp_path / "full.safetensors"), load_model(tmp_path / "resumed.safetensors")
    for a, b in zip(full.network.parameters(), resumed.network.parameters()):
        np.testing.assert_array_equal(a, b)
    assert full.history["history"]["loss"] == resumed.history["history"]["loss"]
    assert resumed.history["epochs"] == 6


def test_resumed_run_keeps_the_early_stopping_patience_and_best_weights(run, tmp_path):
    # noisy labels: the validation loss is best after the first epoch, then rises; patience 4 stops at 6
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(scale=1.5, size=120) > 0).astype(int)
    write_csv(tmp_path / "noisy.csv", ["a", "b", "c", "label"], [[*r, t] for r, t in zip(X.round(4), y)])
    common = ["train", "--data", "noisy.csv", "--layers", "16", "--batch-size", "8", "--optimizer", "sgd",
              "--lr", "0.1", "--early-stopping", "4", "--seed", "3", "--quiet"]
    rc, _, err = run(*common, "--epochs", "100", "--out", "full.safetensors")
    assert rc == 0, err
    full = load_model(tmp_path / "full.safetensors")
    epochs, best = full.history["epochs"], full.history["best_epoch"]
    assert full.history["stopped_early"] and epochs == best + 1 + 5  # patience 4: the fifth epoch without gain stops

    # 3 epochs (a checkpoint after each), then resumed: it must stop where the uninterrupted run stopped
    rc, _, err = run(*common, "--epochs", "3", "--checkpoint-every", "1", "--out", "part.safetensors")
    assert rc == 0, err
    ck = load_checkpoint(tmp_path / "part.ckpt.safetensors")
    best_3 = int(np.argmin(full.history["history"]["val_loss"][:3]))
    assert ck.extra["early_stopping"]["wait"] == 2 - best_3 and ck.extra["early_stopping"]["best_epoch"] == best_3
    assert len(ck.extra["early_stopping"]["best_weights"]) == 4  # W1, b1, W2, b2, stored as tensors
    rc, out, err = run("train", "--resume", "part.ckpt.safetensors", "--epochs", "100", "--out", "resumed.safetensors",
                       "--quiet")  # fmt: skip
    assert rc == 0, err
    assert f"saved the weights of epoch {best + 1} of {epochs}, the best" in out and "stopped early" in out
    resumed = load_model(tmp_path / "resumed.safetensors")
    assert resumed.history["history"] == full.history["history"]
    assert (resumed.history["epochs"], resumed.history["best_epoch"]) == (epochs, best)
    for a, b in zip(full.network.parameters(), resumed.network.parameters()):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------------------------ plots
@pytest.mark.parametrize("kind", ["loss", "pred-vs-actual", "decision-boundary", "weights"])
def test_plot_kinds_write_png(run, tmp_path, kind):
    require("matplotlib")
    run("train", "--dataset", "moons", "--epochs", "20", "--quiet")
    args = ["plot", "lucidnet-model.safetensors", "--kind", kind, "--out", f"{kind}.png"]
    if kind in ("pred-vs-actual", "decision-boundary"):
        args += ["--data", "moons"]
    rc, _, err = run(*args)
    assert rc == 0, err
    assert (tmp_path / f"{kind}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_says_what_to_install(run, tmp_path):
    run("train", "--dataset", "moons", "--epochs", "2", "--quiet")
    # a fresh interpreter where importing matplotlib fails, as when it is not installed
    code = (
        "import sys; sys.modules['matplotlib'] = None; from lucidnet.cli import main; "
        "raise SystemExit(main(['plot', 'lucidnet-model.safetensors', '--kind', 'loss', '--out', 'x.png']))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=60, check=False)  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.startswith("lucidnet: error: plots need matplotlib: install lucidnet[plot]")
    assert not (tmp_path / "x.png").exists()


# ------------------------------------------------------------------------------------------ other formats
def test_npz_and_npy_train_predict_evaluate(run, tmp_path):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    np.savez(tmp_path / "d.npz", X=X, y=y)
    rc, out, err = run("train", "--data", "d.npz", "--epochs", "30", "--quiet", "--out", "z.safetensors")
    assert rc == 0, err
    assert load_model(tmp_path / "z.safetensors").preprocessing.classes == [0, 1]
    np.save(tmp_path / "x.npy", X)  # features only
    rc, out, _ = run("predict", "z.safetensors", "x.npy")
    assert rc == 0 and out.splitlines()[0] == "prediction" and len(out.splitlines()) == 81
    np.save(tmp_path / "xy.npy", np.column_stack([X, y]))  # target last
    rc, out, _ = run("evaluate", "z.safetensors", "xy.npy")
    assert rc == 0 and "accuracy:" in out
    np.save(tmp_path / "x3.npy", np.ones((4, 5)))
    _bad(run, tmp_path, ["predict", "z.safetensors", "x3.npy"], "the model expects 2, got 5")


def test_idx_pair_trains_and_predicts(run, tmp_path):
    import struct

    def idx(path, arr):
        raw = (
            bytes([0, 0, 8, arr.ndim])
            + struct.pack(f">{arr.ndim}I", *arr.shape)
            + arr.astype(">u1").tobytes()
        )
        path.write_bytes(raw)

    rng = np.random.default_rng(2)
    labels = rng.integers(0, 3, size=60)
    images = np.zeros((60, 4, 4))
    for i, c in enumerate(labels):  # class c lights up row c
        images[i, c] = 200
    images += rng.integers(0, 30, size=images.shape)
    idx(tmp_path / "toy-images-idx3-ubyte", images)
    idx(tmp_path / "toy-labels-idx1-ubyte", labels)
    rc, out, err = run("train", "--data", "toy-images-idx3-ubyte", "--epochs", "40", "--quiet")
    assert rc == 0, err
    rc, out, _ = run("evaluate", "lucidnet-model.safetensors", "toy-images-idx3-ubyte")
    assert rc == 0 and float(out.split("accuracy: ")[1].split()[0]) > 0.9
    rc, out, _ = run("predict", "lucidnet-model.safetensors", "toy-images-idx3-ubyte")
    assert rc == 0 and [int(v) for v in out.splitlines()[1:6]] == labels[:5].tolist()


def test_plain_lucidnet_prints_help(run):
    rc, out, _ = run()
    assert rc == 0 and out.startswith("usage: lucidnet") and "train" in out and "predict" in out


def test_two_classes_get_one_sigmoid_unit_and_bce_as_in_the_lessons(run, tmp_path):
    # the head policy of lucidnet.heads: binary -> 1 sigmoid unit + bce (0.1.0 gave 2 softmax units)
    rc, _, err = run("train", "--dataset", "moons", "--epochs", "5", "--quiet")
    assert rc == 0, err
    b = load_model(tmp_path / "lucidnet-model.safetensors")
    out = b.network.layers[-1]
    assert (b.network.n_out, out.activation.name, b.network.loss_fn.name) == (1, "sigmoid", "bce")
    rc, csv_text, err = run("predict", "lucidnet-model.safetensors", "moons", "--proba")
    assert rc == 0, err
    header = csv_text.splitlines()[0].split(",")
    assert header == ["prediction", "proba_0", "proba_1"]
    # two classes chosen with softmax or cross_entropy keep one unit per class
    rc, _, err = run("train", "--dataset", "moons", "--epochs", "2", "--output-activation", "softmax",
                     "--out", "soft.safetensors", "--quiet")
    assert rc == 0, err
    assert load_model(tmp_path / "soft.safetensors").network.n_out == 2


def test_ctrl_c_while_lucidnet_is_still_importing_is_one_line(monkeypatch, capsys):
    import builtins

    import _lucidnet_cli

    real = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "lucidnet.cli":
            raise KeyboardInterrupt
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    assert _lucidnet_cli.main() == 130
    assert capsys.readouterr().err == "lucidnet: interrupted\n"


def test_a_network_too_large_for_the_machine_is_refused_before_it_is_made(run, tmp_path, monkeypatch):
    rc, _, err = run("train", "--layers", "100000000000", "--quiet")
    assert rc == 2 and "400,000,000,001 parameters" in err and "more than this machine's" in err
    assert len(err.splitlines()) == 1

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("lucidnet.cli.train.build_network", no_memory)
    rc, _, err = run("train", "--quiet", "--epochs", "1")
    assert rc == 2 and err.startswith("lucidnet: error: out of memory") and len(err.splitlines()) == 1
