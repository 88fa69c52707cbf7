"""From read columns to network inputs: roles (target, features, IDs), Inputs (median, one-hot) and what a model
file keeps of them; read_for_model matching a file's columns by name."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lucidnet.data import DataError, Inputs, Preprocessing, assign_roles, read_columns, read_for_model
from lucidnet.data.roles import MIN_ID_ROWS, id_reason, numeric_features


def cols(text: str):
    return read_columns(text.encode(), name="t.csv")


def table(n: int = 30, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = ["customer,row_no,age,plan,score,churned"]
    for i in range(n):
        lines.append(f"C{i:04d},{i + 1},{rng.integers(18, 80)},{rng.choice(['basic', 'pro'])},"
                     f"{rng.normal():.3f},{rng.choice(['yes', 'no'])}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ roles
def test_ids_are_left_out_with_a_note_and_the_first_is_the_id_column():
    roles = assign_roles(cols(table()))
    assert roles.target == "churned" and roles.features == ["age", "plan", "score"] and roles.id == "customer"
    assert roles.left_out == {"customer": "an ID (unique text in every row)",
                              "row_no": "an ID (distinct whole numbers in a sequence)"}
    assert roles.notes[0] == ("column 'customer' looks like an ID (unique text in every row): not used as a feature, "
                              "copied into predictions (name it in --features to use it as one)")
    assert roles.notes[1].startswith("column 'row_no' looks like an ID (distinct whole numbers in a sequence): not "
                                     "used as a feature (name it")


def test_id_rules():
    def reason(values, name="x"):
        rows = "\n".join(f"{v},1" for v in values)
        return id_reason(cols(f"{name},y\n{rows}\n"), name)

    n = MIN_ID_ROWS
    assert reason(np.random.default_rng(0).permutation(n) + 1000) == "an ID (distinct whole numbers in a sequence)"
    assert reason(np.arange(n) * 1000) == "an ID (distinct whole numbers, increasing down the file)"
    spread = np.random.default_rng(1).permutation(np.arange(n) * 997)
    assert reason(spread) is None and reason(spread, "customer_id") == "an ID (distinct whole numbers, and its name)"
    assert reason(np.arange(n) + 0.5) is None  # not whole numbers
    assert reason([1] + list(range(1, n))) is None  # a repeat
    assert reason(range(n - 1)) is None  # too few rows to tell
    assert reason([f"w{i}" for i in range(n - 1)] + ["NA"]) is None  # a gap: not an ID


def test_features_drop_and_id_choose_columns():
    t = cols(table())
    r = assign_roles(t, features=["score", "customer"])
    assert r.features == ["score", "customer"] and r.id is None  # named features are kept, IDs or not
    r = assign_roles(t, drop=["row_no", "plan"], id="customer")
    assert r.features == ["age", "score"] and r.id == "customer" and r.left_out["plan"] == "--drop"
    assert assign_roles(t, target="plan").target == "plan" and assign_roles(t, target=-2).target == "score"


@pytest.mark.parametrize("kw, message", [
    ({"target": "Churned"}, "t.csv: unknown target column 'Churned'; columns are: customer, row_no, age, plan, score, "
                            "churned. Did you mean 'churned'?"),
    ({"drop": ["agee"]}, "unknown --drop column 'agee'; columns are: customer, row_no, age, plan, score, churned. "
                         "Did you mean 'age'?"),
    ({"features": ["churned"]}, "column 'churned' is the target; it cannot be in --features too"),
    ({"id": "customer", "drop": ["customer"]}, "column 'customer' is the --id column; it cannot also be a feature"),
    ({"features": ["age"], "drop": ["age"]}, "age both in --features and in --drop"),
    ({"target": 9}, "target column index 9 out of range for 6 columns"),
])
def test_role_errors_name_the_column(kw, message):
    with pytest.raises(DataError, match=re.escape(message)):
        assign_roles(cols(table()), **kw)


def test_an_empty_column_is_left_out_and_no_feature_left_is_an_error():
    t = cols("a,b,y\n1,,0\n2,,1\n")
    r = assign_roles(t)
    assert r.features == ["a"] and r.notes == ["column 'b' is empty (no value in any row): not used as a feature "
                                               "(name it in --features to use it as one)"]
    with pytest.raises(DataError, match="no feature column left besides the target 'y' \\(left out: a, b\\)"):
        assign_roles(t, drop=["a"])


# ------------------------------------------------------------------------------------------------ inputs
def test_medians_and_categories_come_from_the_training_rows_only():
    t = cols("n,c\n1,b\n3,a\n,a\n100,z\n")
    inputs, notes = Inputs.fit(t, ["n", "c"], rows=np.array([0, 1, 2]))
    assert inputs.columns[0].median == 2.0 and inputs.columns[1].categories == ("a", "b")
    assert notes == ["1 missing number filled with the training median: n (1)",
                     "text one-hot encoded (one 0/1 input per category; missing: all 0): c (2)"]
    X, said = inputs.transform(t)
    assert inputs.feature_names == ["n", "c=a", "c=b"]
    np.testing.assert_array_equal(X, [[1, 0, 1], [3, 1, 0], [2, 1, 0], [100, 0, 0]])  # z: not seen, all 0
    assert said == ["missing numbers filled with the training median: n (1)",
                    "warning: column 'c': 'z' (1 row) not seen in training: encoded as no category (all 0)"]
    assert inputs.one_hot.tolist() == [False, True, True]


def test_missing_error_refuses_a_gap_naming_its_row():
    t = cols("n,c\n1,b\n,a\n")
    with pytest.raises(DataError, match=re.escape("t.csv: row 3, column 'n': missing value (--missing error)")):
        Inputs.fit(t, ["n", "c"], missing="error")
    inputs, _ = Inputs.fit(cols("n,c\n1,b\n2,a\n"), ["n", "c"], missing="error")
    with pytest.raises(DataError, match=re.escape("row 3, column 'c': missing value 'NA' (--missing error)")):
        inputs.transform(cols("n,c\n1,b\n2,NA\n"))


def test_transform_refuses_what_it_cannot_encode():
    inputs, _ = Inputs.fit(cols("n,c\n1,b\n2,a\n"), ["n", "c"])
    with pytest.raises(DataError, match=re.escape("row 2, column 'n': 'x' is not a number; the model was trained on")):
        inputs.transform(cols("n,c\nx,a\n"))
    with pytest.raises(DataError, match=re.escape("row 3, column 'n': value is inf; features must be finite")):
        inputs.transform(cols("n,c\n1,a\ninf,b\n"))
    with pytest.raises(DataError, match=re.escape("t.csv: no column 'c', which the model reads (n, c); columns are: "
                                                  "n, C. Did you mean 'C'?")):
        inputs.transform(cols("n,C\n1,a\n"))
    # numbers where the model saw text are compared as text: 1 is the category "1"
    digits, _ = Inputs.fit(cols("d\nx\n1\n"), ["d"])
    np.testing.assert_array_equal(digits.transform(cols("d\n1\n"))[0], [[1.0, 0.0]])


def test_text_in_a_column_of_numbers_is_one_check_with_each_callers_ending():
    t = cols("n,m\n1,2\nold,3\n")
    with pytest.raises(DataError, match=re.escape("t.csv: row 3, column 'n': 'old' is not a number; feature columns "
                                                  "must be numeric here")):
        numeric_features(t, ["m", "n"])
    inputs, _ = Inputs.fit(cols("n\n1\n2\n"), ["n"])
    with pytest.raises(DataError, match=re.escape("t.csv: row 3, column 'n': 'old' is not a number; the model was "
                                                  "trained on numbers in this column")):
        inputs.transform(t)
    # gaps and infinities pass (graph_inputs hands NaN to the graph): only text is refused
    values = cols("n,c\n1,a\n,b\ninf,c\n").number_values("n", "unused")
    assert np.isnan(values[1]) and np.isinf(values[2])


def test_preprocessing_keeps_inputs_and_the_id_column_and_checks_them():
    t = cols("n,c,y\n1,b,0\n3,a,1\n")
    inputs, _ = Inputs.fit(t, ["n", "c"])
    pre = Preprocessing(task="classification", feature_names=inputs.feature_names, target_name="y",
                        classes=[0, 1], inputs=inputs, id_name="id")
    d = pre.to_dict()
    assert d["inputs"] == {"missing": "impute", "columns": [{"name": "n", "kind": "numbers", "median": 2.0},
                                                             {"name": "c", "kind": "categories",
                                                              "categories": ["a", "b"]}]}
    back = Preprocessing.from_dict(d, n_in=3, n_out=1)
    assert back.inputs == inputs and back.id_name == "id"
    np.testing.assert_array_equal(back.transform_columns(t)[0], inputs.transform(t)[0])
    with pytest.raises(ValueError, match=r"inputs give 3 network inputs \(n, c=a, c=b\); the network has 4"):
        Preprocessing.from_dict({**d, "feature_names": None}, n_in=4, n_out=1)


@pytest.mark.parametrize("bad, message", [
    ({"missing": "drop", "columns": []}, "inputs must hold 'missing'"),
    ({"missing": "impute", "columns": []}, "one or more distinct columns"),
    ({"missing": "impute", "columns": [{"name": "n", "kind": "numbers", "median": None}]}, "needs a finite 'median'"),
    ({"missing": "impute", "columns": [{"name": "c", "kind": "categories", "categories": ["a", "a"]}]},
     "distinct text categories"),
    ({"missing": "impute", "columns": [{"name": "c", "kind": "words", "categories": ["a"]}]},
     "must be 'numbers' with a median or 'categories' with a list"),
    ({"missing": "impute", "columns": [{"kind": "numbers", "median": 1}]}, "needs a 'name'"),
])
def test_inputs_from_a_file_are_checked(bad, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Inputs.from_dict(bad)


# ------------------------------------------------------------------------------------------------ read_for_model
def test_read_for_model_matches_by_name_and_says_what_it_ignores(tmp_path):
    inputs, _ = Inputs.fit(cols("n,c,y\n1,b,0\n3,a,1\n"), ["n", "c"])
    (tmp_path / "new.csv").write_text("id,extra,c,n\nr1,9,a,5\nr2,9,b,\n")
    t = read_for_model(tmp_path / "new.csv", 3, inputs.feature_names, "y", inputs=inputs, id_name="id")
    np.testing.assert_array_equal(t.X, [[5, 1, 0], [2, 0, 1]])
    assert t.ids.tolist() == ["r1", "r2"] and t.id_name == "id"
    assert t.notes == ["missing numbers filled with the training median: n (1)",
                       f"{tmp_path / 'new.csv'}: columns the model does not read, ignored: extra"]


def test_read_for_model_without_inputs_by_name_or_by_position_with_a_note(tmp_path):
    (tmp_path / "a.csv").write_text("wid,len,y\n2,1,0\n")
    t = read_for_model(tmp_path / "a.csv", 2, ["len", "wid"], "y")
    assert t.X.tolist() == [[1.0, 2.0]] and t.notes == []
    (tmp_path / "b.csv").write_text("p,q\n1,2\n")
    t = read_for_model(tmp_path / "b.csv", 2, ["len", "wid"], "y")
    assert t.X.tolist() == [[1.0, 2.0]]
    assert t.notes == [f"{tmp_path / 'b.csv'}: none of the model's column names (len, wid) is in the file: its "
                       "columns p, q are taken in that order"]
    (tmp_path / "c.csv").write_text("len,q\n1,2\n")
    with pytest.raises(DataError, match="no column 'wid', which the model reads"):
        read_for_model(tmp_path / "c.csv", 2, ["len", "wid"], "y")


def test_read_for_model_leaves_out_rows_without_a_target(tmp_path):
    inputs, _ = Inputs.fit(cols("n,y\n1,a\n2,b\n"), ["n"])
    (tmp_path / "e.csv").write_text("n,y\n1,a\n2,\n3,b\n")
    t = read_for_model(tmp_path / "e.csv", 1, ["n"], "y", need_target=True, inputs=inputs)
    assert t.y.tolist() == ["a", "b"] and t.X[:, 0].tolist() == [1.0, 3.0]
    assert t.notes == [f"{tmp_path / 'e.csv'}: 1 rows without a 'y' value left out"]


def test_read_for_model_encodes_only_the_rows_with_a_target(tmp_path):
    inputs, _ = Inputs.fit(cols("n,c,y\n1,a,p\n2,b,q\n"), ["n", "c"])
    (tmp_path / "f.csv").write_text("n,c,y\n1,a,p\n,new,\n3,new,q\n")
    t = read_for_model(tmp_path / "f.csv", 3, None, "y", need_target=True, inputs=inputs)
    assert t.X.tolist() == [[1.0, 1.0, 0.0], [3.0, 0.0, 0.0]] and t.y.tolist() == ["p", "q"]
    assert t.notes == ["warning: column 'c': 'new' (1 row) not seen in training: encoded as no category (all 0)",
                       f"{tmp_path / 'f.csv'}: 1 rows without a 'y' value left out"]
    assert len(read_for_model(tmp_path / "f.csv", 3, None, "y", inputs=inputs).X) == 3  # predict reads every row
    (tmp_path / "g.csv").write_text("n,c\n1,a\n")
    with pytest.raises(DataError, match="no column 'y', the target the model predicts, which scoring it needs"):
        read_for_model(tmp_path / "g.csv", 3, None, "y", need_target=True, inputs=inputs)


def test_text_columns_with_many_categories_get_a_note_and_too_many_are_refused(monkeypatch):
    from lucidnet.data import encoding

    rows = "\n".join(f"w{i % 60},{i}" for i in range(120))
    _, notes = Inputs.fit(cols(f"word,n\n{rows}\n"), ["word"])
    assert notes[-1] == ("column 'word' has 60 categories in 120 training rows, one input each: if it is free text "
                         "or an ID, --drop it")
    inputs, _ = Inputs.fit(cols(f"word,n\n{rows}\n"), ["word"])
    monkeypatch.setattr(encoding, "MAX_INPUT_BYTES", 120 * 60 * 8 - 1)  # checked before allocating
    with pytest.raises(DataError, match="120 rows of 60 inputs would take 57,600 bytes, more than the 57,599 allowed"):
        inputs.transform(cols(f"word,n\n{rows}\n"))
    monkeypatch.setattr(encoding, "MAX_CATEGORIES", 59)
    with pytest.raises(DataError, match="column 'word' has 60 distinct values in the training rows, more than the 59"):
        Inputs.fit(cols(f"word,n\n{rows}\n"), ["word"])


def test_rows_without_a_target_are_left_out_with_a_note_or_refused():
    from lucidnet.data.roles import rows_with_target

    t = read_columns(b"a,y\n1,x\n2,\n3,z\n4,NA\n", name="g.csv")
    kept, y, notes = rows_with_target(t, "y")
    assert kept["a"].values.tolist() == [1.0, 3.0] and y.tolist() == ["x", "z"]
    assert notes == ["2 rows without a 'y' value (the first: row 3) left out"]
    assert kept.row(1) == "row 4"  # the file's row numbers are kept for later messages
    with pytest.raises(DataError, match=r"^g.csv: row 3, column 'y': missing target value \(--missing error\)"):
        rows_with_target(t, "y", missing="error")
    full = read_columns(b"a,y\n1,2\n", name="h.csv")
    assert rows_with_target(full, "y")[0] is full and rows_with_target(full, "y")[2] == []


def test_fit_preprocessing_fits_on_the_training_rows_and_orders_the_classes():
    from lucidnet.data.preprocessing import class_labels, fit_preprocessing

    t = read_columns(b"n,c,y\n1,a,b\n3,b,a\n5,a,c\n100,b,c\n", name="f.csv")
    inputs, _ = Inputs.fit(t, ["n", "c"], np.array([0, 1, 2]))
    X, _ = inputs.transform(t)
    y = t["y"].cells()
    pre = fit_preprocessing(X, y, "classification", np.array([0, 1, 2]), feature_names=inputs.feature_names,
                            target_name="y", inputs=inputs)
    # μ and σ of rows 0-2 only (1, 3, 5: μ 3, σ √(8/3)); the one-hot inputs stay 0 and 1
    np.testing.assert_allclose(pre.x_scaler.mean_, [3.0, 0.0, 0.0])
    np.testing.assert_allclose(pre.x_scaler.scale_, [np.sqrt(8 / 3), 1.0, 1.0])
    assert pre.classes == ["a", "b", "c"] and pre.y_scaler is None  # every row's labels, the held-out one's too
    values = fit_preprocessing(X, np.array([1.0, 2.0, 3.0, 50.0]), "regression", np.array([0, 1, 2]))
    np.testing.assert_allclose(values.y_scaler.mean_, [2.0])
    assert fit_preprocessing(X, y, "classification", np.arange(4), standardize=False).x_scaler is None
    assert class_labels(np.array([2.0, 1.0, 2.0])) == [1, 2]
    assert class_labels(np.array([1, "a", 0], dtype=object)) == [0, 1, "a"]  # by type first, then in order
    with pytest.raises(DataError, match="the target 'y' has one class only \\('a'\\); need two or more"):
        class_labels(np.array(["a", "a"], dtype=object), "y")


def test_fit_preprocessing_refuses_a_text_target_for_values_and_the_front_ends_add_their_hint(tmp_path, monkeypatch,
                                                                                              capsys):
    from lucidnet import cli
    from lucidnet.data.preprocessing import TextTargetError, fit_preprocessing

    X = np.zeros((3, 1))
    with pytest.raises(TextTargetError, match=r"^the target 'y' holds text \('a'\): it can only be classes$"):
        fit_preprocessing(X, np.array(["a", "b", "a"], dtype=object), "regression", np.arange(3), target_name="y")
    with pytest.raises(TextTargetError, match=r"^the target 'y' holds text \("):  # a NumPy string array too
        fit_preprocessing(X, np.array(["a", "b", "a"]), "regression", np.arange(3), target_name="y")
    assert issubclass(TextTargetError, DataError)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,1,y\n")
    assert cli.main(["train", "--data", "t.csv", "--task", "regression", "--quiet"]) == 2
    assert capsys.readouterr().err == ("lucidnet: error: the target 'kind' holds text ('x'): it can only be classes, "
                                       "not values; drop --task regression or pick another --target\n")
