"""Tables as practitioners have them, for docs/cli.md's "your own table" walkthrough and the tests that compare
lucidnet's defaults with scikit-learn on them.

- ``churn.csv``: customers of a subscription service, one row each: a text ID, numbers with gaps (empty cells,
  ``NA``, ``?``), text categories (one with commas inside quotes), a UTF-8 byte-order mark and CRLF line ends as a
  spreadsheet writes them; the target ``churned`` (yes/no) depends on the contract, tenure, charges, support
  calls and payment method, with noise. ``churn_new.csv`` holds further customers without the target, one with a
  payment method never seen before.
- ``diabetes_train.csv`` / ``diabetes_test.csv``: scikit-learn's diabetes data in its original units (age, sex,
  BMI, blood pressure, six blood serum values; target ``progression``) with a unique ``patient_id`` column,
  split 350 / 92 rows at random.

Run ``python examples/messy_tables.py --out DIR`` to write them (the diabetes files need scikit-learn).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

CONTRACTS = ("month-to-month", "one year", "two year")
PAYMENTS = ("card", "bank transfer, automatic", "electronic check", "mailed check")
REGIONS = ("north", "south", "east", "west")
CHURN_COLUMNS = ["customer_id", "age", "tenure_months", "monthly_charges", "support_calls", "contract", "payment",
                 "region", "churned"]


def churn_rows(n: int, seed: int = 0, first_id: int = 1) -> list[list[str]]:
    """``n`` customers as CSV cells (header not included), churned last."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    payment = rng.choice(4, size=n, p=[0.3, 0.25, 0.3, 0.15])
    region = rng.choice(4, size=n)
    tenure = np.clip(rng.gamma(2.0, 10 + 12 * contract), 0, 72).round()
    age = rng.integers(18, 80, size=n).astype(float)
    monthly = (rng.normal(65, 25, size=n) + 15 * (contract == 0)).clip(18, 120).round(2)
    calls = rng.poisson(1.5 + 1.5 * (monthly > 90), size=n).astype(float)
    logit = (-0.4 + 1.4 * (contract == 0) - 0.9 * (contract == 2) - 0.045 * tenure + 0.03 * (monthly - 65)
             + 0.45 * calls + 0.8 * (payment == 2) - 0.012 * (age - 45) + 0.5 * ((tenure < 6) & (calls > 2)))
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    rows = []
    for i in range(n):
        row = [f"C{first_id + i:05d}", _gap(rng, age[i], 0.06, "NA"), _gap(rng, tenure[i], 0.04, ""),
               _gap(rng, monthly[i], 0.03, "?"), _gap(rng, calls[i], 0.02, ""),
               CONTRACTS[contract[i]] if rng.random() > 0.02 else "", PAYMENTS[payment[i]], REGIONS[region[i]],
               "yes" if churned[i] else "no"]
        rows.append(row)
    return rows


def _gap(rng: np.random.Generator, value: float, p: float, marker: str) -> str:
    if rng.random() < p:
        return marker
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def write_churn(folder: Path, n: int = 2000, seed: int = 0) -> tuple[Path, Path]:
    """churn.csv (``n`` rows, with the target) and churn_new.csv (20 rows without it) in ``folder``."""
    folder = Path(folder)
    train, new = folder / "churn.csv", folder / "churn_new.csv"
    with open(train, "w", newline="", encoding="utf-8-sig") as f:  # a spreadsheet's export: BOM and CRLF
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(CHURN_COLUMNS)
        w.writerows(churn_rows(n, seed))
    rows = [r[:-1] for r in churn_rows(20, seed + 1000, first_id=n + 1)]
    rows[3][6] = "crypto"  # a payment method the training rows never had
    with open(new, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CHURN_COLUMNS[:-1])
        w.writerows(rows)
    return train, new


def write_diabetes(folder: Path, n_train: int = 350, seed: int = 0) -> tuple[Path, Path]:
    """diabetes_train.csv and diabetes_test.csv (scikit-learn's diabetes data with a ``patient_id``)."""
    from sklearn.datasets import load_diabetes

    d = load_diabetes(scaled=False)
    order = np.random.default_rng(seed).permutation(len(d.target))
    ids = 1001 + np.random.default_rng(seed + 1).permutation(len(d.target))
    paths = []
    for part, rows in (("train", order[:n_train]), ("test", order[n_train:])):
        path = Path(folder) / f"diabetes_{part}.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["patient_id", *d.feature_names, "progression"])
            for i in rows:
                w.writerow([ids[i], *(f"{v:g}" for v in d.data[i]), f"{d.target[i]:g}"])
        paths.append(path)
    return paths[0], paths[1]


def main(argv: list[str] | None = None) -> dict[str, Path]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=".", help="folder to write the CSV files into (default: here)")
    folder = Path(parser.parse_args(argv).out)
    folder.mkdir(parents=True, exist_ok=True)
    written = dict(zip(("churn", "churn_new"), write_churn(folder)))
    try:
        written.update(zip(("diabetes_train", "diabetes_test"), write_diabetes(folder)))
    except ImportError:
        print("scikit-learn is not installed: the diabetes files are skipped (pip install 'lucidnet[sklearn]')")
    for name, path in written.items():
        print(f"{name}: {path}")
    return written


if __name__ == "__main__":
    main()
