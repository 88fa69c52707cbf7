"""Model files: a network, its preprocessing and its training record in one file that never runs code.

``from lucidnet.io import load_model, save_model``. The modules, in the order data flows:

=============================  ======================================================================
module                         what it holds
=============================  ======================================================================
:mod:`~.files`                 :func:`atomic_write` (temporary file, fsync, rename), reading and strict JSON
:mod:`~.safetensors`           the container: :func:`write_safetensors`, :func:`read_safetensors`
:mod:`~.model`                 :class:`ModelBundle`: a network with its preprocessing, history and options
:mod:`~.checksums`             SHA-256 of each tensor and of the metadata, kept in the metadata
:mod:`~.schema`                the tensors and ``lucidnet`` metadata of a model file, ``FORMAT_VERSION``
:mod:`~.model_file`            :func:`save_model`, :func:`load_model`, :func:`load`
:mod:`~.text_file`             :func:`save_txt`, :func:`load_txt`: the same model as plain text
:mod:`~.checkpoints`           :class:`Checkpoint`, :func:`save_checkpoint`, :func:`load_checkpoint`
=============================  ======================================================================

Loading never runs code: the header is parsed as strict JSON, the checksums of :mod:`~.checksums` are checked
(a changed byte is an error naming its tensor), every declared size is checked against the tensors in the file
before anything is allocated, every field is checked, and any problem (truncation, corruption, a foreign or newer
file, absurd sizes, overlapping offsets, shapes that disagree with the architecture, non-finite weights or scales,
unknown registry names, optimizer state that does not fit the parameters) raises :class:`ModelFileError` and
nothing else. docs/security.md states what this protects against and how the fuzz test shows it.
"""

from __future__ import annotations

from ..data.preprocessing import Preprocessing
from ..errors import ModelFileError
from .checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from .files import PathLike, atomic_write
from .model import ModelBundle
from .model_file import load, load_model, save_model
from .safetensors import read_safetensors, write_safetensors
from .schema import FORMAT_VERSION
from .text_file import load_txt, save_txt

__all__ = [
    "FORMAT_VERSION",
    "Checkpoint",
    "ModelBundle",
    "ModelFileError",
    "PathLike",
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
