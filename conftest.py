"""Root pytest configuration: what the doctest collection of src/lucidnet may skip, and test-wide settings."""

import importlib.util
import os

# scikit-learn's estimator checks include two array-API checks that run only with this set
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# lucidnet.sklearn imports scikit-learn at module level (it is the [sklearn] extra); without it installed, a
# local run skips collecting its doctests. CI installs it, and collects everything.
collect_ignore_glob = []
if importlib.util.find_spec("sklearn") is None and os.environ.get("CI", "").lower() != "true":
    collect_ignore_glob.append("src/lucidnet/sklearn/*")
