"""Data in, validated at the boundary: files, tables, the built-in data sets and the preprocessing a model keeps.

Every reader returns a :class:`Table` (features X (n, d) float64, samples as rows, a target y, names); bad input
raises :class:`~lucidnet.errors.DataError`, whose message names the file, the row and the column and says what
to do. pandas is never required; NumPy files are read with ``allow_pickle=False`` (reading data never runs code).

============================  =======================================================================
module                        what it holds
============================  =======================================================================
:mod:`~.table`                :class:`Table`, the record every reader returns; which column is the target
:mod:`~.columns`              :class:`Columns`: a table as read, typed columns of numbers (NaN gaps) and text
:mod:`~.csvfile`              :func:`read_columns`: the one CSV reader (path or bytes); :func:`read_csv`
:mod:`~.roles`                :func:`assign_roles`: target, features, ID (IDs looked for), the target's values
:mod:`~.encoding`             :class:`Inputs`: raw columns to network inputs (median for gaps, one-hot text)
:mod:`~.arrays`               NPY/NPZ files, :func:`split_target`, :func:`from_dataframe`
:mod:`~.idx`                  IDX files (:func:`read_idx`, :func:`read_idx_pair`) and MNIST (:func:`load_mnist`)
:mod:`~.read`                 :func:`read_table` (any file, by content), :func:`read_for_model`
:mod:`~.tasks`                :func:`infer_task` (classes or values), :func:`split_rows` (held-out rows)
:mod:`~.datasets`             the built-in data sets of the lessons and the playground (:func:`load`)
:mod:`~.preprocessing`        :class:`Standardizer`, :class:`LabelEncoder`, :class:`Preprocessing`
============================  =======================================================================
"""

from __future__ import annotations

from ..errors import DataError
from . import datasets
from .arrays import from_dataframe, split_target
from .columns import Columns, NumberColumn, TextColumn
from .csvfile import read_columns, read_csv
from .encoding import Inputs
from .idx import find_mnist, load_mnist, read_idx, read_idx_pair
from .preprocessing import LabelEncoder, Preprocessing, Standardizer, one_hot
from .read import read_for_model, read_table
from .roles import Roles, assign_roles
from .table import PathLike, Table

__all__ = [
    "Columns",
    "DataError",
    "Inputs",
    "LabelEncoder",
    "NumberColumn",
    "PathLike",
    "Preprocessing",
    "Roles",
    "Standardizer",
    "Table",
    "TextColumn",
    "assign_roles",
    "datasets",
    "find_mnist",
    "from_dataframe",
    "load_mnist",
    "one_hot",
    "read_columns",
    "read_csv",
    "read_for_model",
    "read_idx",
    "read_idx_pair",
    "read_table",
    "split_target",
]
