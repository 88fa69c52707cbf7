"""A :class:`~lucidnet.trace.Trace` written out in the lessons' notation: the text of ``Trace.to_text()``.

Forward (net_j = Σ_i w_ij·o_i + b_j, o_j = φ(net_j)), backward (δ_j), the gradients ∂E/∂w_ij and updates
−η·∂E/∂w for one sample, each with its numbers, and optionally the chain rule of one weight. Units and layers
count from 1, w_0j is the bias b_j; wide layers are cut short after ``max_items`` units or terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .trace import LayerTrace, Trace


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sup(layer: int) -> str:
    return "⁽" + str(layer).translate(_SUP) + "⁾"


def _sub(*idx: int) -> str:
    sep = "," if any(i >= 10 for i in idx) else ""
    return sep.join(str(i).translate(_SUB) for i in idx)


def _num(v: float) -> str:
    return f"{float(v) + 0.0:.6g}"  # + 0.0 turns −0 into 0


def _factor(v: float) -> str:
    """A number as a factor of a product: negatives in parentheses."""
    s = _num(v)
    return f"({s})" if s.startswith("-") else s


class _Text:
    """Builds the text of :meth:`Trace.to_text` (one method per section)."""

    def __init__(self, trace: Trace, k: int, weight: tuple[int, int, int] | None, max_items: int = 12) -> None:
        self.trace, self.k, self.weight, self.max = trace, k, weight, max_items
        self.lines: list[str] = []

    def units(self, n: int) -> range:
        return range(min(n, self.max))

    def more(self, n: int, what: str, indent: str = "    ") -> None:
        if n > self.max:
            self.lines.append(f"{indent}… {n - self.max} more {what} (trace.to_dict() has them all)")

    def sum_of(self, terms: list[str]) -> str:
        if len(terms) <= self.max:
            return " + ".join(terms)
        return " + ".join(terms[:self.max]) + f" + … ({len(terms) - self.max} more terms)"

    def render(self) -> str:
        trace, k = self.trace, self.k
        formula = trace.loss_formula or f"E = {trace.loss}(o, y)"
        penalty = (" + λ₁·Σ|w|" if trace.l1 else "") + (" + ½λ₂·Σw²" if trace.l2 else "")
        x0 = trace.layers[0].x[k]
        plural = "s" if trace.n > 1 else ""
        self.lines += [
            f"One step of backpropagation: {trace.network}",
            (f"{formula}{penalty} = {_num(trace.E)}   (loss {trace.loss}, n = {trace.n} sample{plural})   "
             f"η = {trace.eta:g}"),
            f"sample k = {k}:  x = {_vec(x0, self.max)}   y = {_vec(trace.y[k], self.max)}",
            ("indices: layer ℓ (0 is the input), units i, j from 1; w_ij joins unit i of layer ℓ−1 to unit j "
             "of layer ℓ; w_0j is the bias b_j"),
            "",
            "Forward   net_j = Σ_i w_ij·o_i + b_j,   o_j = φ(net_j)",
        ]
        for lt in trace.layers:
            self.forward(lt)
        self.lines += ["", "Backward   δ_j = ∂E/∂net_j"]
        for lt in reversed(trace.layers):
            self.backward(lt)
        self.lines += ["", (f"Gradients   ∂E/∂w_ij = Σ_k δ_j·o_i,   ∂E/∂b_j = Σ_k δ_j,   update Δw = −η·∂E/∂w "
                            f"(η = {trace.eta:g})")]
        if trace.n > 1:
            self.lines.append(f"  (each line: sample {k}'s term δ_j·o_i, then the sum over the {trace.n} samples)")
        if trace.l1 or trace.l2:
            self.lines.append("  (the batch gradients include the penalty terms"
                              + (f" λ₁·sign(w), λ₁ = {trace.l1:g}" if trace.l1 else "")
                              + (f" λ₂·w, λ₂ = {trace.l2:g}" if trace.l2 else "") + ")")
        for lt in trace.layers:
            self.gradients(lt)
        if self.weight is not None:
            self.lines.append("")
            self.chain(*self.weight)
        return "\n".join(self.lines)

    # -- forward
    def forward(self, lt: LayerTrace) -> None:
        k, s = self.k, _sup(lt.index)
        self.lines.append(f"  layer {lt.index}: {lt.layer}" + ("   (inputs o_i⁽⁰⁾ = x_i)" if lt.index == 1 else ""))
        sym = lt.symbol
        if not lt.elementwise:
            self.lines.append(f"    net{s} = {_vec(lt.net[k], self.max)}")
            self.lines.append(f"    o{s} = {lt.activation}(net{s}) = {_vec(lt.o[k], self.max)}")
            return
        n_in, n_out = lt.W.shape
        for j in self.units(n_out):
            terms = [f"{_factor(lt.W[i, j])}·{_factor(lt.x[k, i])}" for i in range(n_in)]
            bias = f" + {_factor(lt.b[j])}" if lt.b is not None else ""
            self.lines.append(f"    net{_sub(j + 1)}{s} = {self.sum_of(terms)}{bias} = {_num(lt.net[k, j])}")
            self.lines.append(f"    o{_sub(j + 1)}{s}   = {sym}({_num(lt.net[k, j])}) = {_num(lt.o[k, j])}")
        self.more(n_out, "units")

    # -- backward
    def backward(self, lt: LayerTrace) -> None:
        trace, k, s = self.trace, self.k, _sup(lt.index)
        last = lt.index == len(trace.layers)
        phi_text = lt.derivative_formula or f"{lt.symbol}'(net)"
        if last:
            if trace.fused:
                self.lines.append(f"  layer {lt.index} (output), {trace.loss} fused with {lt.activation}: "
                                  "δ_j = ∂E/∂net_j computed from net directly (exact where o saturates)")
            elif lt.elementwise:
                d_text = trace.gradient_formula or "∂E/∂o_j"
                self.lines.append(f"  layer {lt.index} (output): δ_j = ∂E/∂o_j · φ'(net_j),  ∂E/∂o_j = {d_text},  "
                                  f"{phi_text}")
            else:
                self.lines.append(f"  layer {lt.index} (output): δ = (∂o/∂net)ᵀ·∂E/∂o  ({lt.activation} is not "
                                  "elementwise: each o depends on the whole row of net)")
        else:
            above = trace.layers[lt.index]
            if lt.elementwise:
                self.lines.append(f"  layer {lt.index} (hidden): δ_j = (Σ_l δ_l{_sup(lt.index + 1)}·w_jl"
                                  f"{_sup(lt.index + 1)})·φ'(net_j),  {phi_text}")
            else:
                self.lines.append(f"  layer {lt.index} (hidden): δ = (∂o/∂net)ᵀ·(δ{_sup(above.index)}·"
                                  f"W{_sup(above.index)}ᵀ)  ({lt.activation} is not elementwise)")
        if not lt.elementwise:
            self.lines.append(f"    δ{s} = {_vec(lt.delta[k], self.max)}")
            return
        for j in self.units(lt.W.shape[1]):
            self.lines.append(f"    δ{_sub(j + 1)}{s} = {self.delta_expression(lt, j)} = {_num(lt.delta[k, j])}")
        self.more(lt.W.shape[1], "units")

    def delta_expression(self, lt: LayerTrace, j: int) -> str:
        """δ_j written with its numbers: ∂E/∂o_j·φ'(net_j) (output) or (Σ_l δ_l·w_jl)·φ'(net_j) (hidden)."""
        trace, k = self.trace, self.k
        assert lt.derivative is not None
        d = _factor(lt.derivative[k, j])
        if lt.index == len(trace.layers):
            if trace.fused:
                return f"∂E/∂net{_sub(j + 1)}"
            return f"{_factor(trace.dE_do[k, j])}·{d}"
        above = trace.layers[lt.index]
        terms = [f"{_factor(above.delta[k, m])}·{_factor(above.W[j, m])}" for m in range(above.W.shape[1])]
        inner = self.sum_of(terms)
        return f"({inner})·{d}" if len(terms) > 1 else f"{inner}·{d}"

    # -- gradients
    def gradients(self, lt: LayerTrace) -> None:
        trace, k, s = self.trace, self.k, _sup(lt.index)
        self.lines.append(f"  layer {lt.index}")
        n_in, width = lt.W.shape
        rows = [(i + 1, j, lt.x[k, i], lt.grad_W[i, j], lt.update_W[i, j]) for i in range(n_in) for j in range(width)]
        if lt.b is not None:
            assert lt.grad_b is not None and lt.update_b is not None
            rows += [(0, j, 1.0, lt.grad_b[j], lt.update_b[j]) for j in range(width)]
        limit = 4 * self.max
        for i, j, o_i, g, u in rows[:limit]:
            name = f"∂E/∂w{_sub(i, j + 1)}{s}" if i else f"∂E/∂b{_sub(j + 1)}{s}"
            term = lt.delta[k, j] * o_i
            if i:
                product = f"δ{_sub(j + 1)}{s}·o{_sub(i)}{_sup(lt.index - 1)} = " \
                          f"{_factor(lt.delta[k, j])}·{_factor(o_i)} = {_num(term)}"
            else:
                product = f"δ{_sub(j + 1)}{s} = {_num(term)}"
            if trace.n > 1:
                self.lines.append(f"    {name}: {product};  Σ_k = {_num(g)};  Δ = {_num(u)}")
            else:
                self.lines.append(f"    {name} = {product};  Δ = −η·{name} = {_num(u)}")
        if len(rows) > limit:
            self.lines.append(f"    … {len(rows) - limit} more parameters (trace.to_dict() has them all)")

    # -- the chain rule of one weight
    def chain(self, layer: int, i: int, j: int) -> None:
        trace, k = self.trace, self.k
        lt = trace.layers[layer - 1]
        s, sj = _sup(layer), _sub(j)
        name = f"w{_sub(i, j)}{s}" if i else f"b{sj}{s}"
        o_i = 1.0 if i == 0 else lt.x[k, i - 1]
        o_name = "1" if i == 0 else f"o{_sub(i)}{_sup(layer - 1)}"
        self.lines.append(f"Chain rule for {name}, sample {k}:")
        self.lines.append(f"  ∂E/∂{name} = ∂E/∂net{sj}{s} · ∂net{sj}{s}/∂{name} = δ{sj}{s} · {o_name}")
        product = f"= {_factor(lt.delta[k, j - 1])} · {_factor(o_i)} = {_num(lt.delta[k, j - 1] * o_i)}"
        self.lines.append(" " * len(f"  ∂E/∂{name} ") + product
                          + (f"   (this sample's term; Σ_k over the batch = "
                             f"{_num(lt.grad_W[i - 1, j - 1] if i else lt.grad_b[j - 1])})"  # type: ignore[index]
                             if trace.n > 1 else ""))
        # δ of unit j, then of every unit above it, back to the output
        self.lines.append("  where")
        for m in range(layer, len(trace.layers) + 1):
            cur = trace.layers[m - 1]
            units = [j - 1] if m == layer else self.units(cur.W.shape[1])
            for u in units:
                if not cur.elementwise:
                    how = (f"{trace.loss} fused with {cur.activation}: ∂E/∂net directly"
                           if m == len(trace.layers) and trace.fused else f"{cur.activation}: Jacobian product")
                    self.lines.append(f"    δ{_sup(m)} = {_vec(cur.delta[k], self.max)}  ({how})")
                    break
                at = f"{_sub(u + 1)}{_sup(m)}"
                sym = f"∂E/∂o{at}" if m == len(trace.layers) else f"(Σ_l δₗ{_sup(m + 1)}·w{_sub(u + 1)}ₗ{_sup(m + 1)})"
                form = f"∂E/∂net{at} (fused)" if (m == len(trace.layers) and trace.fused) else f"{sym}·φ'(net{at})"
                self.lines.append(f"    δ{_sub(u + 1)}{_sup(m)} = {form} = {self.delta_expression(cur, u)} "
                                  f"= {_num(cur.delta[k, u])}")
            if m > layer and cur.elementwise:
                self.more(cur.W.shape[1], f"units of layer {m}")
        path = self.single_path(layer, j)
        if path:
            pad = " " * len(f"    ∂E/∂{name} ")
            self.lines.append("  one path leads to the output, so the whole product is")
            self.lines.append(f"    ∂E/∂{name} = {path[0]} · {o_name}")
            self.lines.append(f"{pad}= {path[1]} · {_factor(o_i)} = {_num(lt.delta[k, j - 1] * o_i)}")

    def single_path(self, layer: int, j: int) -> tuple[str, str] | None:
        """When every layer above has one unit: ∂E/∂o·φ'·w·φ'·…·o_i written out, symbols and numbers."""
        trace, k = self.trace, self.k
        above = trace.layers[layer:]
        chain = trace.layers[layer - 1:]
        if not above or any(a.W.shape[1] != 1 for a in above) or not all(a.elementwise for a in chain):
            return None
        out = trace.layers[-1]
        symbols = ["∂E/∂net⁽ᴸ⁾" if trace.fused else "∂E/∂o⁽ᴸ⁾·φ'(net⁽ᴸ⁾)"]
        first = (_factor(out.delta[k, 0]) if trace.fused
                 else f"{_factor(trace.dE_do[k, 0])}·{_factor(out.derivative[k, 0])}")  # type: ignore[index]
        numbers = [first]
        unit = 0
        for m in range(len(trace.layers) - 1, layer - 1, -1):  # walk down: w from layer m to m+1, then φ' of layer m
            cur, nxt = trace.layers[m - 1], trace.layers[m]
            unit = (j - 1) if m == layer else 0
            symbols.append(f"w{_sub(unit + 1, 1)}{_sup(m + 1)}·φ'(net{_sub(unit + 1)}{_sup(m)})")
            numbers.append(f"{_factor(nxt.W[unit, 0])}·{_factor(cur.derivative[k, unit])}")  # type: ignore[index]
        return " · ".join(symbols), " · ".join(numbers)


def _vec(v: np.ndarray, limit: int | None = None) -> str:
    flat = np.ravel(v)
    shown = ", ".join(_num(x) for x in flat[:limit])
    return "[" + shown + (f", … ({len(flat) - limit} more)" if limit is not None and len(flat) > limit else "") + "]"
