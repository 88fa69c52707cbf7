"""The ``lucidnet`` command: train, predict, evaluate, plot, export, gradcheck, datasets, explain, playground.

Every command reads its input through :mod:`lucidnet.data`, keeps models in :mod:`lucidnet.io` files and
trains with the core engine; this package only turns options into calls and results into text. Bad input
gives one line on stderr (``lucidnet: error: …``) and exit status 2; ``--debug`` shows the traceback.

In the order a command runs: :mod:`~lucidnet.cli.parser` (the commands and their options),
:mod:`~lucidnet.cli.options` (train's defaults, --config TOML and checks), :mod:`~lucidnet.cli.tables` (the
data to train on or to apply a model to), :mod:`~lucidnet.cli.train`, :mod:`~lucidnet.cli.predict`,
:mod:`~lucidnet.cli.evaluate` and :mod:`~lucidnet.cli.commands` (the commands), :mod:`~lucidnet.cli.status`
(exit statuses, notes); :func:`main` here turns errors into exit statuses.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..data import DataError
from ..io import ModelFileError
from .commands import cmd_datasets, cmd_export, cmd_gradcheck, cmd_plot
from .evaluate import cmd_evaluate, evaluate_model
from .options import DEFAULT_DATASET, DEFAULT_OUT, TRAIN_DEFAULTS
from .parser import build_parser
from .predict import cmd_predict
from .status import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from .train import cmd_train

__all__ = [
    "DEFAULT_DATASET", "DEFAULT_OUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "TRAIN_DEFAULTS",
    "CliError", "build_parser", "cmd_datasets", "cmd_evaluate", "cmd_export", "cmd_gradcheck", "cmd_plot",
    "cmd_predict", "cmd_train", "evaluate_model", "main",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed check, 2 bad input, 130 Ctrl-C)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    debug = "--debug" in args_list
    try:
        args = parser.parse_args(args_list)
        if getattr(args, "func", None) is None:  # plain `lucidnet`: say what there is
            parser.print_help()
            return EXIT_OK
        return int(args.func(args))
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        if debug:
            raise
        sys.stderr.write("lucidnet: interrupted\n")
        return EXIT_INTERRUPTED
    except (CliError, DataError, ModelFileError) as exc:
        if debug:
            raise
        return _error(str(exc))
    except MemoryError:
        if debug:
            raise
        return _error("out of memory: the data or the network is too large for this machine; use smaller "
                      "--layers or fewer rows")
    except OSError as exc:
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}")
    except (ImportError, ValueError) as exc:
        # the engine checks its inputs and says what is wrong in a ValueError (a loss that does not fit
        # the output layer, say): that is bad input too
        if debug:
            raise
        return _error(str(exc))


def _error(message: str) -> int:
    sys.stderr.write(f"lucidnet: error: {message}\n")
    return EXIT_USAGE
