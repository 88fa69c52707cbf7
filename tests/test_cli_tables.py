"""The command line on tables as practitioners have them: columns by name, IDs, gaps, categories, held-out scores,
predictions to join back, and one-line errors with what was meant."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.tables import messy_tables  # noqa: E402

from lucidnet.io import load_model  # noqa: E402

SRC = ROOT / "src"


@pytest.fixture
def churn(tmp_path):
    return messy_tables().write_churn(tmp_path, n=600, seed=3)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(text.splitlines()))


def one_error(run, args, message):
    rc, out, err = run(*args)
    assert rc == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("lucidnet: error: ") and message in err, err
    return err


# ------------------------------------------------------------------------------------------------ a messy table
def test_a_messy_table_trains_with_notes_and_predicts_rows_to_join_back(run, churn):
    train, new = churn
    rc, out, err = run("train", "--data", train, "--out", "churn.safetensors", "--quiet")
    assert rc == 0, err
    assert err.splitlines() == ["lucidnet: note: column 'customer_id' looks like an ID (unique text in every row): "
                                "not used as a feature, copied into predictions (name it in --features to use it as "
                                "one)"]
    lines = out.splitlines()
    assert lines[0].startswith("trained Network(15 → 16 → 1, loss=bce, dtype=float64) (relu, sigmoid) on ")
    assert lines[0].split(": ", 1)[1].startswith("480 rows for training, 120 for validation; ")
    assert lines[1] == "  inputs: 7 columns → 15 network inputs; ID column customer_id"
    assert lines[2].startswith("  ") and "missing numbers filled with the training median: age (" in lines[2]
    assert lines[3].startswith("  text one-hot encoded (one 0/1 input per category; missing: all 0): contract (3, ")
    assert "validation (120 rows): accuracy " in out and ", macro F1 " in out and ", ROC-AUC " in out
    pre = load_model(Path("churn.safetensors")).preprocessing
    assert pre.inputs.names == ["age", "tenure_months", "monthly_charges", "support_calls", "contract", "payment",
                                "region"] and pre.id_name == "customer_id"

    rc, out, err = run("predict", "churn.safetensors", new, "--proba")
    assert rc == 0, err
    table = rows(out)
    assert table[0] == ["customer_id", "prediction", "proba_no", "proba_yes"]
    assert [r[0] for r in table[1:]] == [r[0] for r in rows(Path(new).read_text())[1:]]
    assert {r[1] for r in table[1:]} <= {"no", "yes"}
    assert all(float(v) == float(f"{float(v):.6g}") for r in table[1:] for v in r[2:])  # 6 significant digits
    assert "lucidnet: warning: column 'payment': 'crypto' (1 row) not seen in training: encoded as no category" in err
    assert all(line.startswith(("lucidnet: note: ", "lucidnet: warning: ")) for line in err.splitlines())
    # the plain-text export keeps the column steps too
    assert run("export", "churn.safetensors", "--out", "churn.txt")[0] == 0
    assert run("predict", "churn.txt", new, "--proba")[1] == out


def test_columns_options_choose_features_drop_and_id(run, churn):
    train, new = churn
    rc, out, err = run("train", "--data", train, "--features", "tenure_months,contract", "--id", "customer_id",
                       "--epochs", "3", "--quiet")
    assert rc == 0, err and err == ""
    pre = load_model(Path("lucidnet-model.safetensors")).preprocessing
    assert pre.inputs.names == ["tenure_months", "contract"] and pre.id_name == "customer_id"
    rc, out, err = run("predict", "lucidnet-model.safetensors", new)
    assert rows(out)[0] == ["customer_id", "prediction"]
    assert err.splitlines()[-1].endswith("columns the model does not read, ignored: age, monthly_charges, "
                                         "support_calls, payment, region")
    rc, _, err = run("train", "--data", train, "--drop", "region,payment", "--epochs", "2", "--quiet")
    assert rc == 0 and load_model(Path("lucidnet-model.safetensors")).preprocessing.inputs.names == [
        "age", "tenure_months", "monthly_charges", "support_calls", "contract"]


def test_predict_refuses_a_file_that_lacks_a_feature(run, churn, tmp_path):
    train, new = churn
    run("train", "--data", train, "--epochs", "2", "--quiet")
    text = Path(new).read_text().replace("tenure_months", "tenure")
    (tmp_path / "renamed.csv").write_text(text)
    one_error(run, ["predict", "lucidnet-model.safetensors", "renamed.csv"],
              "renamed.csv: no column 'tenure_months', which the model reads (age, tenure_months, monthly_charges, "
              "support_calls, contract, payment, region); columns are: customer_id, age, tenure, monthly_charges, "
              "support_calls, contract, payment, region. Did you mean 'tenure'?")


def test_missing_error_refuses_gaps_and_rows_without_a_target_are_left_out(run, tmp_path):
    text = "a,b,y\n" + "".join(f"{i},{i % 3},{'x' if i % 2 else 'z'}\n" for i in range(20)) + "5,,\n"
    (tmp_path / "g.csv").write_text(text)
    one_error(run, ["train", "--data", "g.csv", "--missing", "error"],
              "g.csv: row 22, column 'y': missing target value (--missing error)")
    rc, out, err = run("train", "--data", "g.csv", "--epochs", "2", "--quiet")
    assert rc == 0 and "lucidnet: note: 1 rows without a 'y' value (the first: row 22) left out" in err


# ------------------------------------------------------------------------------------------------ what is kept
def test_keep_last_and_early_stopping_off(run, tmp_path):
    rng = np.random.default_rng(0)  # noisy labels: the validation loss is lowest early, then rises
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(scale=1.5, size=120) > 0).astype(int)
    with open(tmp_path / "noisy.csv", "w", newline="") as f:
        csv.writer(f).writerows([["a", "b", "c", "label"], *[[*r, t] for r, t in zip(X.round(4), y)]])
    common = ["train", "--data", "noisy.csv", "--lr", "0.05", "--l2", "0", "--epochs", "60", "--quiet"]
    rc, out, _ = run(*common, "--early-stopping", "off", "--out", "best.safetensors")
    best = load_model(tmp_path / "best.safetensors")
    b = best.history["best_epoch"]
    assert rc == 0 and f"saved the weights of epoch {b + 1} of 60, the best" in out and "ran all 60 epochs" in out
    assert f"note: the validation loss rose for most of the run ({59 - b} of 60 epochs after its lowest" in out
    rc, out, _ = run(*common, "--early-stopping", "off", "--keep", "last", "--out", "last.safetensors")
    assert rc == 0 and "saved the weights of epoch 60 of 60, the last" in out
    assert f"the lowest val_loss was epoch {b + 1}'s" in out
    last = load_model(tmp_path / "last.safetensors")
    assert not np.array_equal(best.network.parameters()[0], last.network.parameters()[0])
    one_error(run, [*common, "--early-stopping", "soon"], "--early-stopping must be a number of epochs >= 1 or 'off'")


def test_test_split_is_scored_once_after_training(run, churn):
    train, _ = churn
    rc, out, err = run("train", "--data", train, "--test-split", "0.25", "--quiet")
    assert rc == 0, err
    assert "360 rows for training, 90 for validation, 150 for the test" in out
    assert "  test (150 rows held out by --test-split, unseen in training): accuracy " in out
    one_error(run, ["train", "--data", train, "--test-split", "0.5", "--validation-split", "0.5"],
              "--validation-split 0.5 and --test-split 0.5 leave no rows to train on")


# ------------------------------------------------------------------------------------------------ evaluate, predict
def test_evaluate_reports_f1_per_class_scores_and_roc_auc(run, churn):
    train, _ = churn
    run("train", "--data", train, "--epochs", "5", "--quiet")
    rc, out, err = run("evaluate", "lucidnet-model.safetensors", train)
    lines = out.splitlines()
    assert lines[2].startswith("loss (bce, mean per sample): ")
    assert lines[4].startswith("macro F1: ")
    assert lines[5].startswith("ROC-AUC: ") and lines[5].endswith(" (class yes as positive)")
    i = lines.index("confusion matrix (rows: true class, columns: predicted):")
    assert lines[i + 4].split() == ["precision", "recall", "support"]
    no, yes = (line.split() for line in lines[i + 5 : i + 7])
    assert no[0] == "no" and yes[0] == "yes" and int(no[3]) + int(yes[3]) == 600
    assert "lucidnet: note: missing numbers filled with the training median" in err


def test_regression_loss_names_its_units_and_predict_rounds(run, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(80, 2))
    price = 1000 * X[:, 0] + 300 * X[:, 1] + 1 / 3
    with open(tmp_path / "h.csv", "w", newline="") as f:
        csv.writer(f).writerows([["area", "rooms", "price"], *[[*x, p] for x, p in zip(X, price)]])
    run("train", "--data", "h.csv", "--epochs", "20", "--quiet")
    rc, out, _ = run("evaluate", "lucidnet-model.safetensors", "h.csv")
    assert "loss (mse of z-scored price, mean per sample): " in out and "RMSE (price): " in out
    written = {}
    for digits in (3, 6, 12):
        rc, out, _ = run("predict", "lucidnet-model.safetensors", "h.csv", "--precision", digits)
        written[digits] = [r[0] for r in rows(out)[1:]]
        assert all("e" not in v and float(v) == float(f"{float(v):.{digits}g}") for v in written[digits])
    assert written[3] != written[6] != written[12] and len(written[3]) == 80
    one_error(run, ["predict", "lucidnet-model.safetensors", "h.csv", "--precision", "0"],
              "--precision must be a number of significant digits from 1 to 17, got 0")


# ------------------------------------------------------------------------------------------------ one-line errors
@pytest.mark.parametrize("args, message", [
    (["--target", "Churned"], "unknown target column 'Churned'; columns are: customer_id, age, tenure_months, "
                              "monthly_charges, support_calls, contract, payment, region, churned. Did you mean "
                              "'churned'?"),
    (["--features", "age,tenure"], "unknown --features column 'tenure'"),
    (["--activation", "Relu"], "unknown activation 'Relu'; valid names are: elu, gelu"),
    (["--loss", "MSE"], ". Did you mean 'mse'?"),
    (["--optimizer", "Adam"], ". Did you mean 'adam'?"),
    (["--sep", ";"], "no feature column left besides the target 'customer_id,age,"),
])
def test_names_that_are_not_there_say_what_was_meant(run, churn, args, message):
    train, _ = churn
    one_error(run, ["train", "--data", train, *args], message)


def test_columns_options_need_a_csv(run):
    one_error(run, ["train", "--dataset", "moons", "--drop", "x1"], "--drop chooses columns of a CSV file")


def test_swapped_model_and_data_are_named(run, churn):
    train, new = churn
    run("train", "--data", train, "--epochs", "2", "--quiet")
    for command in ("predict", "evaluate"):
        one_error(run, [command, train, "lucidnet-model.safetensors"],
                  f"MODEL and DATA look swapped: {train} is not a model file but lucidnet-model.safetensors is; the "
                  f"model comes first (lucidnet {command} MODEL DATA)")


def test_reading_errors_reach_the_command_line_as_one_line(run, tmp_path):
    (tmp_path / "cr.csv").write_bytes(b"a,b\n1,2\n3\r5,4\n")
    one_error(run, ["train", "--data", "cr.csv"], "cr.csv: row 3: a carriage return (\\r) inside a cell")
    (tmp_path / "big.csv").write_bytes(b"a,b\n1," + b"x" * 140_000 + b"\n")
    one_error(run, ["train", "--data", "big.csv"], "big.csv: row 2: a cell longer than 131,072 characters")
    (tmp_path / "dup.csv").write_text("a,a,c,y\n1,2,3,4\n")
    one_error(run, ["train", "--data", "dup.csv"], "names column 'a' twice (columns 1 and 2)")


def test_resume_refuses_the_options_it_would_ignore(run, tmp_path):
    run("train", "--dataset", "moons", "--epochs", "2", "--checkpoint-every", "1", "--quiet")
    one_error(run, ["train", "--resume", "lucidnet-model.ckpt.safetensors", "--lr", "0.1", "--layers", "4"],
              "--resume goes on with the checkpoint's own options, so it would ignore --layers, --lr; drop them")
    rc, _, err = run("train", "--resume", "lucidnet-model.ckpt.safetensors", "--epochs", "3", "--quiet")
    assert rc == 0, err


def test_playground_without_the_web_extra_names_it(tmp_path):
    code = ("import sys; sys.modules['uvicorn'] = None; from lucidnet.cli import main; "
            "raise SystemExit(main(['playground', '--no-browser']))")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(SRC)},
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2
    assert r.stderr == ("lucidnet: error: lucidnet playground needs uvicorn, which is not installed: install "
                        "lucidnet[web] (pip install 'lucidnet[web]')\n")
