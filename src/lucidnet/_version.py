"""The version of lucidnet, in a module of its own so that anything (model files, the CLI) can read it
without importing the package root."""

__version__ = "0.2.0"
