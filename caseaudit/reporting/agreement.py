"""How far two people's grades of the same practice agree (issue 32): exact agreement, agreement within one
grade, and Cohen's kappa with quadratic weights, on an ordered scale.

Kappa says how much better than chance the two agree: 1 is perfect, 0 is what chance gives, below 0 worse than
chance. Quadratic weights count a disagreement by the square of its distance on the scale, so "Good" against
"Requires improvement" costs a ninth of "Outstanding" against "Inadequate" on Ofsted's four grades:
kappa = 1 - sum(w * observed) / sum(w * expected), w_ij = (i - j)^2 / (k - 1)^2, where expected is what the two
people's own spreads of grades would give by chance. It is not defined when chance alone would always agree
(both gave one and the same grade throughout, or the scale has one grade): None then, never a made-up number.

Computed with exact fractions and rounded once, so a figure can be recomputed by hand from the pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

Pair = tuple[str, str]


@dataclass(frozen=True)
class Agreement:
    pairs: int
    exact_agreement_percent: float | None
    within_one_percent: float | None
    weighted_kappa: float | None

    def as_dict(self) -> dict:
        return {
            "pairs": self.pairs,
            "exact_agreement_percent": self.exact_agreement_percent,
            "within_one_percent": self.within_one_percent,
            "weighted_kappa": self.weighted_kappa,
        }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def weighted_kappa(pairs: Sequence[Pair], scale: Sequence[str]) -> float | None:
    """Cohen's kappa with quadratic weights over `scale` (its order is the grades' order); None where undefined."""
    k = len(scale)
    n = len(pairs)
    if n == 0 or k < 2:
        return None
    place = {grade: i for i, grade in enumerate(scale)}
    observed = Counter((place[a], place[b]) for a, b in pairs)
    first = Counter(place[a] for a, _ in pairs)
    second = Counter(place[b] for _, b in pairs)

    def weight(i: int, j: int) -> Fraction:
        return Fraction((i - j) ** 2, (k - 1) ** 2)

    disagreement = sum(weight(i, j) * count for (i, j), count in observed.items())
    by_chance = sum(weight(i, j) * first[i] * second[j] for i in first for j in second) / Fraction(n)
    if by_chance == 0:
        return None
    return round(float(1 - disagreement / by_chance), 3)


def agreement(pairs: Iterable[Pair], scale: Sequence[str]) -> Agreement:
    """The three figures for pairs of grades on `scale`; pairs holding a grade not on it are left out."""
    on_scale = set(scale)
    kept = [(a, b) for a, b in pairs if a in on_scale and b in on_scale]
    place = {grade: i for i, grade in enumerate(scale)}
    exact = sum(1 for a, b in kept if a == b)
    near = sum(1 for a, b in kept if abs(place[a] - place[b]) <= 1)
    return Agreement(len(kept), _percent(exact, len(kept)), _percent(near, len(kept)), weighted_kappa(kept, scale))
