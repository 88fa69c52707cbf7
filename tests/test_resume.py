"""``lucidnet train --resume``: a checkpoint never decides where lucidnet writes or what it reads, a damaged one is
one line and exit 2, and a run that had already stopped early stops at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from filefuzz import rewrite

from lucidnet import cli
from lucidnet.io import load_checkpoint, load_model

FIXTURES = Path(__file__).parent / "fixtures" / "v0.1.0"


@pytest.fixture
def run(capsys, monkeypatch):
    def _run(cwd: Path, *args: object) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        rc = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return rc, out, err

    return _run


@pytest.fixture
def layout(tmp_path, run):
    """runs/: a checkpoint after 2 of 4 epochs, its data beside it; elsewhere/: files a checkpoint must not
    touch; cwd/: where the resumed run is started."""
    runs, elsewhere, cwd = tmp_path / "runs", tmp_path / "elsewhere", tmp_path / "cwd"
    for d in (runs, elsewhere, cwd):
        d.mkdir()
    shutil.copy(FIXTURES / "people.csv", runs / "people.csv")
    (elsewhere / "victim.safetensors").write_text("precious")
    rc, _, err = run(runs, "train", "--data", "people.csv", "--target", "sex", "--layers", "4", "--epochs", "2",
                     "--checkpoint-every", "2", "--seed", "1", "--quiet", "--out", "m.safetensors")  # fmt: skip
    assert rc == 0, err
    return runs, elsewhere, cwd


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_stored_out_and_checkpoint_paths_are_never_written(layout, run):
    runs, elsewhere, cwd = layout
    ck = runs / "m.ckpt.safetensors"

    def point_elsewhere(m):
        m["options"]["train"].update(out=str(elsewhere / "victim.safetensors"),
                                     checkpoint=str(elsewhere / "victim.safetensors"))  # fmt: skip

    rewrite(ck, point_elsewhere)
    rc, out, err = run(cwd, "train", "--resume", ck, "--epochs", "4", "--quiet")
    assert rc == 0, err
    assert (elsewhere / "victim.safetensors").read_text() == "precious" and files(elsewhere) == ["victim.safetensors"]
    assert files(cwd) == []
    assert f"model saved to {runs / 'm.safetensors'}" in out  # beside the checkpoint, under the name it came from
    assert load_model(runs / "m.safetensors").history["epochs"] == 4
    assert load_checkpoint(ck).epoch == 4  # the checkpoint goes on where it was


def test_out_and_checkpoint_given_on_the_command_line_are_used(layout, run, tmp_path):
    runs, _, cwd = layout
    rc, _, err = run(cwd, "train", "--resume", runs / "m.ckpt.safetensors", "--epochs", "4", "--quiet",
                     "--out", "next.safetensors", "--checkpoint", tmp_path / "next.ckpt.safetensors")  # fmt: skip
    assert rc == 0, err
    assert files(cwd) == ["next.safetensors"] and load_checkpoint(tmp_path / "next.ckpt.safetensors").epoch == 4


def test_a_checkpoint_not_named_ckpt_resumes_to_a_resumed_file_beside_it(layout, run):
    runs, _, cwd = layout
    (runs / "m.ckpt.safetensors").rename(runs / "saved.safetensors")
    rc, out, err = run(cwd, "train", "--resume", runs / "saved.safetensors", "--epochs", "3", "--quiet")
    assert rc == 0, err
    assert f"model saved to {runs / 'saved.resumed.safetensors'}" in out


@pytest.mark.parametrize("stored", ["/etc/passwd", "../elsewhere/victim.safetensors", "{elsewhere}/people.csv", ""])
def test_a_stored_data_path_outside_the_checkpoints_folder_is_refused_naming_it(layout, run, stored):
    runs, elsewhere, cwd = layout
    stored = stored.format(elsewhere=elsewhere)
    shutil.copy(FIXTURES / "people.csv", elsewhere / "people.csv")
    ck = rewrite(runs / "m.ckpt.safetensors", lambda m: m["options"]["train"].update(data=stored))
    before = files(runs)
    rc, out, err = run(cwd, "train", "--resume", ck, "--epochs", "4", "--quiet")
    assert rc == 2 and out == "" and err.count("\n") == 1
    assert f"the checkpoint names the data file {stored!r}, which is not inside its folder" in err
    assert "give it again with --data FILE" in err
    assert files(runs) == before and files(cwd) == []
    # given again on the command line, any path is the user's choice
    rc, _, err = run(cwd, "train", "--resume", ck, "--epochs", "4", "--quiet", "--data", elsewhere / "people.csv")
    assert rc == 0, err


def test_the_stored_data_path_is_relative_to_the_checkpoints_folder_wherever_the_run_starts(tmp_path, run):
    (tmp_path / "runs").mkdir()
    shutil.copy(FIXTURES / "people.csv", tmp_path / "runs" / "people.csv")
    shutil.copy(FIXTURES / "people.csv", tmp_path / "people.csv")
    # started in tmp_path with data runs/people.csv, the checkpoint in runs/: it stores "people.csv"
    rc, _, err = run(tmp_path, "train", "--data", "runs/people.csv", "--target", "sex", "--epochs", "2",
                     "--checkpoint-every", "1", "--out", "runs/m.safetensors", "--quiet")  # fmt: skip
    assert rc == 0, err
    ck = tmp_path / "runs" / "m.ckpt.safetensors"
    assert load_checkpoint(ck).bundle.options["train"]["data"] == "people.csv"
    rc, _, err = run(tmp_path / "runs", "train", "--resume", "m.ckpt.safetensors", "--epochs", "3", "--quiet")
    assert rc == 0, err
    # data outside the checkpoint's folder is stored as an absolute path, which a resume asks to be given again
    rc, _, err = run(tmp_path, "train", "--data", "people.csv", "--target", "sex", "--epochs", "2",
                     "--checkpoint-every", "1", "--out", "runs/n.safetensors", "--quiet")  # fmt: skip
    assert rc == 0, err
    assert load_checkpoint(tmp_path / "runs" / "n.ckpt.safetensors").bundle.options["train"]["data"] == str(
        tmp_path / "people.csv")
    rc, _, err = run(tmp_path, "train", "--resume", "runs/n.ckpt.safetensors", "--epochs", "3", "--quiet")
    assert rc == 2 and "not inside its folder" in err


def _state(m):
    return m["checkpoint"]["optimizer"]["state"]["dict"]


@pytest.mark.parametrize("edit, match", [
    (lambda m: m["checkpoint"]["rng_state"]["state"].update(state=2**200), "rng_state must be a PCG64 state"),
    (lambda m: m["checkpoint"]["rng_state"]["state"].update(inc=-1), "rng_state must be a PCG64 state"),
    (lambda m: _state(m)["buffers"]["dict"]["m"]["list"].pop(), "state 'm' needs 4 arrays"),
    (lambda m: _state(m).update(buffers={"list": []}), "adam keeps the state buffers"),
    (lambda m: m["options"].update(train=[1]), "not a checkpoint of 'lucidnet train'"),
    (lambda m: m["options"]["train"].update(epochs=2.5), "its stored option --epochs must be an integer"),
    (lambda m: m["options"]["train"].update(data=5), "its stored option --data must be text"),
    (lambda m: m["options"]["train"].update(out=None), "its stored option --out must be text or a path"),
    (lambda m: m["options"]["train"].update(layers="x"), "its stored option --layers must be"),
    (lambda m: m["options"]["train"].update(rm="-rf"), "unknown training options \\['rm'\\]"),
    (lambda m: m["checkpoint"]["extra"]["dict"]["best"]["dict"].update(best_epoch={"value": 99}),
     "the best state: best_epoch 99 is not one of the 2 epochs run"),
    (lambda m: m["checkpoint"]["extra"]["dict"]["early_stopping"]["dict"].update(wait={"value": -1}),
     "the early_stopping state: wait -1"),
    (lambda m: m["checkpoint"]["extra"]["dict"]["best"]["dict"]["best_weights"]["list"].pop(),
     "the best state: best_weights do not match the network's parameters"),
    (lambda m: m["checkpoint"]["extra"]["dict"]["best"]["dict"].update(best={"value": 2**2000}), "best .* number"),
])  # fmt: skip
def test_a_damaged_checkpoint_is_one_line_and_exit_2(tmp_path, run, edit, match):
    shutil.copy(FIXTURES / "people.csv", tmp_path / "people.csv")
    rc, _, err = run(tmp_path, "train", "--data", "people.csv", "--target", "sex", "--epochs", "2",
                     "--early-stopping", "5", "--checkpoint-every", "2", "--quiet")  # fmt: skip
    assert rc == 0, err
    ck = rewrite(tmp_path / "lucidnet-model.ckpt.safetensors", edit)
    rc, out, err = run(tmp_path, "train", "--resume", ck, "--epochs", "4", "--quiet")
    assert rc == 2 and out == "" and err.count("\n") == 1 and err.startswith("lucidnet: error: "), err
    assert re.search(match, err), err


def test_a_run_that_had_already_stopped_early_stops_at_once(tmp_path, run):
    """The checkpoint written at the epoch the run stopped: resumed, it trains no extra epoch and ends as the
    uninterrupted run ended (same weights, same history)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + rng.normal(scale=1.5, size=120) > 0).astype(int)
    rows = "\n".join(",".join(f"{v:.4f}" for v in r) + f",{t}" for r, t in zip(X, y))
    (tmp_path / "noisy.csv").write_text("a,b,c,label\n" + rows + "\n")
    common = ["train", "--data", "noisy.csv", "--layers", "16", "--batch-size", "8", "--optimizer", "sgd", "--lr",
              "0.1", "--early-stopping", "4", "--seed", "3", "--quiet", "--epochs", "100"]  # fmt: skip
    rc, _, err = run(tmp_path, *common, "--out", "full.safetensors", "--checkpoint-every", "1")
    assert rc == 0, err
    full = load_model(tmp_path / "full.safetensors")
    epochs, best = full.history["epochs"], full.history["best_epoch"]
    assert full.history["stopped_early"] and epochs == best + 1 + 5  # patience 4: the fifth epoch without gain
    ck = load_checkpoint(tmp_path / "full.ckpt.safetensors")
    assert ck.epoch == epochs and ck.extra["early_stopping"]["wait"] == 5  # written at the stopping epoch

    rc, out, err = run(tmp_path, "train", "--resume", "full.ckpt.safetensors", "--out", "resumed.safetensors")
    assert rc == 0, err
    assert f"had already stopped early after {epochs} epochs" in out and f"kept the weights of epoch {best + 1}" in out
    assert f"epoch {epochs + 1}" not in err  # no progress line: nothing was trained
    resumed = load_model(tmp_path / "resumed.safetensors")
    assert resumed.history["history"] == full.history["history"]
    assert (resumed.history["epochs"], resumed.history["best_epoch"], resumed.history["stopped_early"]) == (
        epochs, best, True)
    for a, b in zip(full.network.parameters(), resumed.network.parameters()):
        np.testing.assert_array_equal(a, b)
