"""``python -m lucidnet``: train a small network on XOR and print the loss and the predictions."""

from __future__ import annotations

import numpy as np

from . import Adam, Dense, Network


def main() -> int:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0], dtype=float)
    net = Network([Dense(2, 4, activation="tanh"), Dense(4, 1, activation="sigmoid")], loss="bce", seed=1)
    print(f"training {net!r} on XOR")
    history = net.fit(X, y, epochs=500, optimizer=Adam(lr=0.05))
    for epoch in (0, 99, 199, 299, 399, 499):
        print(f"epoch {epoch + 1:4d}  loss {history.loss[epoch]:.6f}")
    for xi, yi, oi in zip(X, y, net.predict(X).ravel()):
        print(f"x = {xi.astype(int).tolist()}  y = {int(yi)}  o = {oi:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
