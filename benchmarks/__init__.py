"""lucidnet's benchmark suite: ``python -m benchmarks`` (see ``benchmarks/run.py``).

Nothing here imports NumPy at import time: each (workload, implementation) pair runs in a fresh
``python -m benchmarks.worker`` process that sets the BLAS thread variables before NumPy loads.
"""
