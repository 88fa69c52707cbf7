"""``random_state`` with the meaning scikit-learn's MLP gives it: one ``RandomState`` per call, drawn in MLP's order.

``MLPClassifier``/``MLPRegressor`` turn ``random_state`` into a ``numpy.random.RandomState`` at every ``fit`` and
``partial_fit`` call and draw from it, in this order: the initial weights (W then b of each layer, first call
only), the early-stopping split, then one permutation of the sample indices per epoch. The estimators draw the
same numbers in the same order, so one ``random_state`` gives both libraries the same initial weights, the
same validation split and the same batches.

>>> import numpy as np
>>> rs = random_state_for(0)
>>> first = draw_with_generator(rs, lambda gen: gen.uniform(size=2))
>>> bool(np.all(first == np.random.RandomState(0).uniform(size=2)))
True
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def random_state_for(random_state: Any) -> np.random.RandomState:
    """The ``RandomState`` of one call: scikit-learn's ``check_random_state``, without global state.

    An int seeds a new ``RandomState`` (MLP's numbers); a ``RandomState`` is used and advanced, as MLP does;
    a ``Generator`` gives a seed; None draws a fresh one from the operating system (scikit-learn would use
    NumPy's global generator).
    """
    if random_state is None:
        return np.random.RandomState(int(np.random.default_rng().integers(2**32)))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        seed = int(random_state)
        if not 0 <= seed < 2**32:
            raise ValueError(f"random_state must be an int in [0, 2**32), got {random_state!r}")
        return np.random.RandomState(seed)
    if isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, np.random.Generator):
        return np.random.RandomState(int(random_state.integers(2**32)))
    raise ValueError(
        f"random_state must be None, an int, a numpy RandomState or Generator, got {random_state!r}"
    )


def draw_with_generator(rs: np.random.RandomState, draw: Callable[[np.random.Generator], T]) -> T:
    """``draw(gen)`` with ``gen`` a ``Generator`` on ``rs``'s MT19937 state; ``rs`` then stands after those draws.

    lucidnet's initializers take a ``Generator``; on the same state, ``Generator.uniform`` gives the doubles of
    ``RandomState.uniform``, so an initializer drawing W and b as scikit-learn does gives MLP's weights.
    """
    state = rs.get_state(legacy=False)
    bits = np.random.MT19937()
    bits.state = {"bit_generator": "MT19937", "state": state["state"]}
    out = draw(np.random.Generator(bits))
    state["state"] = bits.state["state"]
    rs.set_state(state)
    return out


def epoch_order(order: np.ndarray, rs: np.random.RandomState) -> np.ndarray:
    """The next epoch's sample order: MLP's ``order = sklearn.utils.shuffle(order, random_state=rs)``, a
    permutation of the previous epoch's order (not of 0 … n−1).

    ``shuffle`` is ``order[p]`` with p = 0 … n−1 shuffled by ``rs.shuffle``; done here without its input checks,
    which cost 0.3 ms an epoch (a third of a small data set's epoch).

    >>> from sklearn.utils import shuffle
    >>> a, b = np.random.RandomState(5), np.random.RandomState(5)
    >>> order = np.arange(6)[::-1]
    >>> bool(np.array_equal(epoch_order(order, a), shuffle(order, random_state=b)))
    True
    """
    p = np.arange(len(order))
    rs.shuffle(p)
    return order[p]
