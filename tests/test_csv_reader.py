"""The one CSV reader, lucidnet.data.read_columns: what it accepts, what it refuses, how compactly it keeps text."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lucidnet.data import DataError, NumberColumn, TextColumn, read_columns
from lucidnet.data.csvfile import MAX_CELL, detect_separator
from lucidnet.errors import DataLimitError


def cols(raw: bytes | str, **kw):
    return read_columns(raw.encode() if isinstance(raw, str) else raw, name="t.csv", **kw)


# ------------------------------------------------------------------------------------------------ accepted
@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_each_separator_is_detected(sep):
    t = cols(f"alcohol{sep}malic_acid{sep}kind\n14.2{sep}1.7{sep}a\n13.1{sep}2.1{sep}b\n")
    assert t.names == ["alcohol", "malic_acid", "kind"]
    assert t["alcohol"].values.tolist() == [14.2, 13.1] and t["kind"].cells().tolist() == ["a", "b"]


def test_separator_detection_prefers_the_one_every_row_agrees_with():
    # decimal commas inside a ;-file: the commas split rows unevenly, the semicolons evenly
    assert detect_separator("a;b;c\n1,5;2;3\n4;5,5;6\n") == ";"
    assert detect_separator("name\tnote\nx\tone, two, three\n") == "\t"
    assert detect_separator("only\n1\n2\n") == ","


@pytest.mark.parametrize("raw", [
    "\ufeffa,b\r\n1,2\r\n3,4\r\n".encode(),  # a spreadsheet's export: BOM, CRLF
    b"a,b\n1,2\n3,4\n",
    b"a,b\r1,2\r3,4\r",  # old Mac line ends
    b"a,b\n1,2\n\n3,4",  # a blank line, no final line end
])
def test_encodings_and_line_ends(raw):
    t = cols(raw)
    assert t.names == ["a", "b"] and t["a"].values.tolist() == [1.0, 3.0] and t["b"].values.tolist() == [2.0, 4.0]


def test_quoted_cells_with_separators_quotes_and_line_breaks():
    t = cols('name,note,y\n"Smith, J","line 1\nline 2",1\n"O""Neil",plain,2\n')
    assert t["name"].cells().tolist() == ["Smith, J", 'O"Neil']
    assert t["note"].cells().tolist() == ["line 1\nline 2", "plain"]
    assert t.row(1) == "row 3 (line 4)"  # a spreadsheet's row, and the line an editor shows


@pytest.mark.parametrize("marker", ["", "NA", "na", "NaN", "nan", "?", "N/A", "null", "None", "-"])
def test_missing_markers_are_gaps_in_numbers(marker):
    t = cols(f"a,b\n1,x\n{marker},y\n3,z\n")
    assert isinstance(t["a"], NumberColumn) and np.isnan(t["a"].values[1]) and t["a"].n_missing == 1


def test_text_cells_are_kept_as_written_with_which_are_missing():
    t = cols("c,y\nred,1\nNA,2\n?,3\nblue,4\n")
    assert t["c"].cells().tolist() == ["red", "NA", "?", "blue"]
    assert t["c"].missing().tolist() == [False, True, True, False]


def test_bytes_and_path_read_alike(tmp_path):
    raw = b"a;b;c\n1;x;2.5\n3;y;\n"
    (tmp_path / "f.csv").write_bytes(raw)
    a, b = read_columns(raw), read_columns(tmp_path / "f.csv")
    assert a.source == "<bytes>" and b.source == str(tmp_path / "f.csv")
    assert a.names == b.names and np.array_equal(a["c"].values, b["c"].values, equal_nan=True)
    assert read_columns(memoryview(raw), name="upload.csv").source == "upload.csv"


def test_text_is_stored_once_per_distinct_cell_and_nbytes_says_so():
    long = "x" * 100_000  # one long cell widens nothing but itself
    rows = "\n".join(f"{i},{'basic' if i % 2 else 'pro'}" for i in range(5000))
    t = cols(f"n,plan\n0,{long}\n{rows}\n")
    plan = t["plan"]
    assert isinstance(plan, TextColumn) and plan.codes.dtype == np.int32 and len(plan.categories) == 3
    assert t.nbytes < 100_000 + 5001 * (8 + 4) + 2_000  # the long cell once, 12 bytes a row
    assert t["plan"].cells()[0] == long


def test_a_trailing_separator_column_without_name_or_values_is_left_out_with_a_note():
    t = cols("a,b,\n1,2,\n3,4,\n")
    assert t.names == ["a", "b"] and t.notes == ["column 3 has no name and no values: left out"]


def test_max_rows_stops_reading():
    with pytest.raises(DataLimitError, match="more than 2 data rows, the most allowed here"):
        cols("a\n1\n2\n3\n", max_rows=2)


def test_max_columns_is_checked_on_the_header_before_any_row():
    with pytest.raises(DataLimitError, match="^t.csv: 3 columns, more than the 2 allowed here$"):
        cols("a,b,c\n1,2\n", max_columns=2)  # the short row would be an error of its own, later
    assert cols("a,b\n1,2\n", max_columns=2).names == ["a", "b"]
    assert issubclass(DataLimitError, DataError)


# ------------------------------------------------------------------------------------------------ refused
@pytest.mark.parametrize("raw, message", [
    (b"", "t.csv: file is empty"),
    (b"a,b\n", "t.csv: has a header row but no data rows"),
    (b"a,a,c,y\n1,2,3,4\n", "row 1 (the header) names column 'a' twice (columns 1 and 2)"),
    (b"a,,c\n1,2,3\n", "row 1: column 2 has no name in the header"),
    (b"a,b,c\n1,2,3\n4,5\n", "row 3 has 2 fields but the header has 3"),
    (b'a,b\n1,"oops\n' + b"3,4\n" * 40,
     "row 2: a quote opens a cell and never closes, so the rest of the file (41 lines)"),
    (b'a,b\n"ab"c,1\n', "row 2: text after the closing quote of a cell"),
    (b"a,b\n1,2\n3\r5,4\n", "row 3: a carriage return (\\r) inside a cell; remove it, or put the cell in quotes"),
    (b"a,b\n1,2\n2," + b"x" * (MAX_CELL + 1) + b"\n", "row 3: a cell longer than 131,072 characters"),
    ("a,b\n1,2\ncafé,1\n".encode("latin-1"), "t.csv: line 3: byte 0xe9 is not UTF-8 text; save the file as UTF-8"),
    ("a,b\n1,2\n".encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    (bytes(range(256)) * 8, "looks like a binary file"),
    (b'a,b\n"1,234.5",1\n"2,000",2\n', "row 2, column 'a': '1,234.5' looks like a number written with a comma"),
    (b"a;b\n1,5;2\n2,5;3\n", "row 2, column 'a': '1,5' looks like a number written with a comma"),
    (b"a,b\n1,2\n3,oops\n5,6\n", "row 3, column 'b': 'oops' is not a number, and 2 of the column's 3 cells are"),
    (b"a,b\n1_000,1\n2,2\n3,3\n", "row 2, column 'a': '1_000' is not a number"),
    (b'a,b\n"x\ny",2\n"z",3\n1\n', "row 4 (line 5) has 1 fields but the header has 2"),
])
def test_refused_with_one_line_naming_the_row(raw, message):
    with pytest.raises(DataError, match=re.escape(message)) as info:
        cols(raw)
    assert "\n" not in str(info.value)


def test_a_bad_separator_is_refused():
    with pytest.raises(DataError, match="the separator must be one character"):
        cols("a,b\n1,2\n", sep=",,")


def test_a_column_of_numbers_that_turns_to_text_after_a_chunk_is_refused(monkeypatch):
    from lucidnet.data import csvfile

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 4)
    rows = "\n".join(["1,a"] * 4 + ["x,b"] * 6)
    with pytest.raises(DataError, match="row 6, column 'n': 'x' is not a number, and the 4 rows above hold numbers"):
        cols(f"n,c\n{rows}\n")
    t = cols("n,c\n" + "\n".join([",a"] * 4 + ["x,b"] * 2) + "\n")  # only gaps above: text after all
    assert t["n"].cells().tolist() == [""] * 4 + ["x"] * 2
