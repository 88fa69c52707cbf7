"""Model files: a network, its preprocessing and its training record in one ``.safetensors`` file.

This is the module to import (``from lucidnet.io import load_model, save_model``); it gathers names that live
in one module per concept, in the order data flows:

- :mod:`lucidnet.safetensors_file`: the container. :func:`write_safetensors`, :func:`read_safetensors` (every
  header field checked), :func:`atomic_write` and :class:`ModelFileError`; the byte layout of the file.
- :mod:`lucidnet.bundle`: :class:`Preprocessing` (standardizers, class labels) and :class:`ModelBundle`
  (a network with its preprocessing, history and options).
- :mod:`lucidnet.model_file`: :func:`save_model`, :func:`load_model`, :func:`load` and ``FORMAT_VERSION``;
  the tensor names and the ``lucidnet`` metadata a model file holds.
- :mod:`lucidnet.txt_file`: :func:`save_txt`, :func:`load_txt`, the same model as plain text.
- :mod:`lucidnet.checkpoints`: :class:`Checkpoint`, :func:`save_checkpoint`, :func:`load_checkpoint`, a model
  file plus optimizer and RNG state to resume training.

Loading never runs code: the header is parsed as JSON, every field is checked, and any problem (truncation,
corruption, a foreign or newer file, absurd sizes, overlapping offsets, shapes that disagree with the
architecture, non-finite weights, unknown registry names) raises :class:`ModelFileError` and nothing else.
Files are written atomically: a temporary file in the same folder, fsync, then ``os.replace``.
"""

from __future__ import annotations

from .bundle import ModelBundle, Preprocessing
from .bundle import _label as _label
from .checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from .model_file import FORMAT_VERSION, load, load_model, save_model
from .safetensors_file import ModelFileError, atomic_write, read_safetensors, write_safetensors
from .safetensors_file import PathLike as PathLike
from .txt_file import load_txt, save_txt

__all__ = [
    "FORMAT_VERSION",
    "Checkpoint",
    "ModelBundle",
    "ModelFileError",
    "Preprocessing",
    "atomic_write",
    "load",
    "load_checkpoint",
    "load_model",
    "load_txt",
    "read_safetensors",
    "save_checkpoint",
    "save_model",
    "save_txt",
    "write_safetensors",
]
