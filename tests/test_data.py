"""Data readers: IDX (tiny files written here, and MNIST when ../shared/data/mnist exists), CSV, NPY/NPZ."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
from conftest import require, shared_data

from lucidnet.data import DataError, find_mnist, load_mnist, read_csv, read_idx, read_table

ROOT = Path(__file__).resolve().parents[1]


def write_idx(path: Path, arr: np.ndarray, code: int = 0x08, gz: bool = False) -> Path:
    dt = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    raw = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    raw += np.asarray(arr, dtype=dt).tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("code", [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E])
def test_read_idx_round_trip(tmp_path, code, gz):
    arr = (np.arange(24).reshape(2, 3, 4) - 5).astype(np.float64)
    if code == 0x08:
        arr = np.abs(arr)
    p = write_idx(tmp_path / "a.idx", arr, code, gz)
    got = read_idx(p)
    assert got.shape == (2, 3, 4)
    assert got.dtype.byteorder in ("=", "|") or got.dtype.isnative
    np.testing.assert_array_equal(got, arr)


def test_read_idx_big_endian_values(tmp_path):
    # 0x0102 as a big-endian int16 is 258, not 513
    p = tmp_path / "b.idx"
    p.write_bytes(bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 1, 2]))
    assert read_idx(p).tolist() == [258]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "too short"),
        (bytes([1, 0, 8, 1]), "magic"),
        (bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 0]), "unknown IDX type code 0x07"),
        (bytes([0, 0, 8, 0]), "0 dimensions"),
        (bytes([0, 0, 8, 2, 0, 0, 0, 1]), "truncated IDX header"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]), "truncated: dimensions (3,) need 3 bytes of data, found 2"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]), "trailing bytes"),
        (bytes([0, 0, 8, 3]) + b"\xff" * 12, "corrupt"),
    ],
)
def test_read_idx_rejects(tmp_path, raw, message):
    p = tmp_path / "bad.idx"
    p.write_bytes(raw)
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_idx(p)


def test_read_idx_corrupt_gzip(tmp_path):
    p = tmp_path / "bad.gz"
    p.write_bytes(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 1, 7]))[:-6])
    with pytest.raises(DataError, match="gzip"):
        read_idx(p)


def test_read_idx_missing(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_idx(tmp_path / "nope")


def test_load_mnist_tiny_folder(tmp_path):
    imgs = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28) % 256
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", imgs, gz=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.array([7, 0, 9]))
    X, y = load_mnist(tmp_path, "train")
    assert X.shape == (3, 784) and X.dtype == np.uint8
    assert y.tolist() == [7, 0, 9] and y.dtype == np.uint8
    np.testing.assert_array_equal(X[1], imgs[1].ravel())
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte"):
        load_mnist(tmp_path, "test")
    with pytest.raises(DataError, match="'train' or 'test'"):
        load_mnist(tmp_path, "valid")


def test_load_mnist_count_mismatch(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 2, 2)))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.array([1, 2]))
    with pytest.raises(DataError, match="3 samples but .* 2 labels"):
        load_mnist(tmp_path)


def test_idx_pair_through_read_table(tmp_path):
    write_idx(tmp_path / "my-images-idx3-ubyte", np.ones((2, 2, 2)))
    write_idx(tmp_path / "my-labels-idx1-ubyte", np.array([3, 4]))
    t = read_table(tmp_path / "my-images-idx3-ubyte")
    assert t.X.shape == (2, 4) and t.y.tolist() == [3, 4]
    write_idx(tmp_path / "lonely.idx", np.ones((2, 2)))
    with pytest.raises(DataError, match="--labels"):
        read_table(tmp_path / "lonely.idx")


def test_real_mnist_counts():
    # ../shared/data/mnist from the project root (or from any folder above it), else conftest's rule:
    # skip with the reason (a checkout without the shared folder beside it)
    mnist = find_mnist(ROOT) or shared_data("mnist")
    X, y = load_mnist(mnist, "test")
    assert X.shape == (10000, 784) and X.dtype == np.uint8
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    X, y = load_mnist(mnist, "train")
    assert X.shape == (60000, 784)
    assert np.bincount(y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert X.max() == 255 and X.min() == 0


# ------------------------------------------------------------------------------------------------ CSV
def csv_file(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_numeric_target_last_column(tmp_path):
    t = read_csv(csv_file(tmp_path, "a,b,y\n1,2,0.5\n3,4.5,-1\n"))
    assert t.feature_names == ["a", "b"] and t.target_name == "y"
    np.testing.assert_array_equal(t.X, [[1, 2], [3, 4.5]])
    assert t.y.dtype == np.float64 and t.y.tolist() == [0.5, -1.0]


def test_csv_string_target_and_named_column(tmp_path):
    t = read_csv(csv_file(tmp_path, "kind,a,b\ncat,1,2\ndog,3,4\n"), target="kind")
    assert t.feature_names == ["a", "b"]
    assert t.y.dtype == object and t.y.tolist() == ["cat", "dog"]


def test_csv_no_target(tmp_path):
    t = read_csv(csv_file(tmp_path, "a,b\n1,2\n"), target=False)
    assert t.y is None and t.X.shape == (1, 2)


def test_csv_bom_crlf_and_spaces(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes("\ufeffa, b\r\n 1 , 2\r\n".encode())
    t = read_csv(p)
    assert t.feature_names == ["a"] and t.y.tolist() == [2.0]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "file is empty"),
        ("a,b,y\n", "header row but no data rows"),
        ("a,b,y\n1,2,3\n1,2\n", "row 3 has 2 fields but the header has 3"),
        ("a,b,y\n1,2,3\n1,x,3\n", "row 3, column 'b': 'x' is not a number"),
        ("a,b,y\n1,,3\n", "row 2, column 'b': missing value"),
        ("a,b,y\n1,NA,3\n", "row 2, column 'b': missing value"),
        ("a,b,y\n1,2,\n", "row 2, column 'y': missing target value"),
        ("a,b,y\nnan,2,3\n", "row 2, column 'a': missing value"),  # NaN is a missing cell
        ("a,b,y\n1,inf,3\n", "row 2, column 'b': value is inf"),
        ("a,b,y\n1,2,-inf\n", "row 2, column 'y': target is -inf"),
        ("y\n1\n", "at least one feature column"),
    ],
)
def test_csv_rejects(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_csv(csv_file(tmp_path, text))


def test_csv_unknown_target_lists_columns(tmp_path):
    with pytest.raises(DataError, match="unknown target column 'z'; columns are: a, b, y"):
        read_csv(csv_file(tmp_path, "a,b,y\n1,2,3\n"), target="z")


def test_csv_binary_file(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match="binary"):
        read_csv(p)


# ------------------------------------------------------------------------------------------------ NPY / NPZ
def test_npy_last_column_target(tmp_path):
    arr = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]])
    np.save(tmp_path / "a.npy", arr)
    t = read_table(tmp_path / "a.npy")
    np.testing.assert_array_equal(t.X, arr[:, :2])
    assert t.y.tolist() == [0.0, 1.0]
    t = read_table(tmp_path / "a.npy", target=0)
    assert t.y.tolist() == [1.0, 3.0] and t.feature_names == ["x1", "x2"]


def test_npy_target_by_digit_string_and_unknown_target_hint(tmp_path):
    """The CLI passes --target as text: a string of digits is an index for an array file too."""
    np.save(tmp_path / "a.npy", np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]]))
    assert read_table(tmp_path / "a.npy", target="0").feature_names == ["x1", "x2"]
    assert read_table(tmp_path / "a.npy", target="-2").target_name == "x1"
    with pytest.raises(DataError, match="unknown target column 'X1'; columns are: x0, x1, x2. Did you mean 'x1'"):
        read_table(tmp_path / "a.npy", target="X1")


def test_is_array_file_goes_by_the_first_bytes(tmp_path):
    from lucidnet.data.read import is_array_file

    np.save(tmp_path / "a.csv", np.ones((2, 2)))  # the name does not count
    np.savez(tmp_path / "b.txt", X=np.ones((2, 2)))
    (tmp_path / "c.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01"))
    (tmp_path / "d.idx").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 1) + b"\x00")
    (tmp_path / "e.npy").write_bytes(b"a,b\n1,2\n")
    assert [is_array_file(tmp_path / n) for n in ("a.csv.npy", "b.txt.npz", "c.gz", "d.idx", "e.npy")] == [
        True, True, True, True, False]
    assert is_array_file(tmp_path)


def test_npz_x_y(tmp_path):
    np.savez(tmp_path / "a.npz", X=np.ones((3, 2, 2)), y=np.array(["a", "b", "a"]))
    t = read_table(tmp_path / "a.npz")
    assert t.X.shape == (3, 4) and t.y.tolist() == ["a", "b", "a"]


def test_npy_refuses_pickle(tmp_path):
    np.save(tmp_path / "o.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="pickle"):
        read_table(tmp_path / "o.npy")


def test_npy_nan_feature(tmp_path):
    np.save(tmp_path / "n.npy", np.array([[1.0, np.nan, 0.0]]))
    with pytest.raises(DataError, match="row 0, column 'x1': value is NaN"):
        read_table(tmp_path / "n.npy")


def test_npz_wrong_names(tmp_path):
    np.savez(tmp_path / "w.npz", a=np.ones(2), b=np.ones(2))
    with pytest.raises(DataError, match="expected arrays named X and y, found: a, b"):
        read_table(tmp_path / "w.npz")


def test_dataframe_if_pandas(tmp_path):
    pd = require("pandas", "pip install pandas")  # in the [test] extra: CI fails rather than skips
    from lucidnet.data import from_dataframe

    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3, 4], "y": ["u", "v"]})
    t = from_dataframe(df)
    np.testing.assert_array_equal(t.X, [[1, 3], [2, 4]])
    assert t.y.tolist() == ["u", "v"]


def test_held_out_rows_are_counted_once_and_the_front_ends_differ_only_on_tiny_tables():
    from lucidnet.cli.tables import split
    from lucidnet.data.tasks import held_count
    from lucidnet.playground.config import PlaygroundConfig
    from lucidnet.playground.data import held_out

    assert [held_count(n, 0.5) for n in (1, 2, 3, 5, 7)] == [0, 1, 2, 2, 4]  # halves go to the even count
    for n in range(2, 40):
        for ratio in range(10, 100, 10):
            fraction = PlaygroundConfig(train_ratio=ratio).test_fraction
            notes: list[str] = []
            cli = split(n, {"test_split": 0.0, "validation_split": fraction, "seed": 4}, notes)
            train, test = held_out(n, fraction, 4)
            if notes:  # the CLI holds out none, with a note; the page keeps one row on each side
                assert len(cli.val) == 0 and len(test) == min(max(held_count(n, fraction), 1), n - 1)
            else:  # the same rows: the page's test rows are lucidnet train's validation rows
                assert (cli.train.tolist(), cli.val.tolist()) == (train.tolist(), test.tolist())
