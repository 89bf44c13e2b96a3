"""Agreement and quadratic-weighted kappa against worked examples done by hand (issue 32)."""

from __future__ import annotations

from caseaudit.reporting.agreement import agreement, weighted_kappa

OFSTED = ["outstanding", "good", "requires_improvement", "inadequate"]


def pairs_from(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, count in table.items() for _ in range(count)]


def test_the_published_two_category_example_gives_0_4():
    # Wikipedia, "Cohen's kappa", worked example: 50 proposals, both Yes 20, A Yes B No 5, A No B Yes 10, both
    # No 15. p_o = 0.7, p_e = 0.5, kappa = 0.4. With two categories the quadratic weights change nothing.
    pairs = pairs_from({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert weighted_kappa(pairs, ["yes", "no"]) == 0.4
    figures = agreement(pairs, ["yes", "no"])
    assert figures.pairs == 50 and figures.exact_agreement_percent == 70.0 and figures.within_one_percent == 100.0


def test_a_three_grade_example_worked_by_hand():
    # Grades 0, 1, 2; weights (i-j)^2/4: 0, 1/4, 1 for distances 0, 1, 2. Ten pairs:
    #   (0,0) x3, (1,1) x3, (2,2) x1, (0,1) x1, (1,2) x1, (2,0) x1.
    # Rater A: 0 x4, 1 x4, 2 x2. Rater B: 0 x4, 1 x4, 2 x2.
    # Observed disagreement: 1/4 + 1/4 + 1 = 1.5.
    # Expected: sum over i, j of w_ij * A_i * B_j / 10
    #   = [ (0,1): 1/4*4*4 + (1,0): 1/4*4*4 + (0,2): 1*4*2 + (2,0): 1*2*4 + (1,2): 1/4*4*2 + (2,1): 1/4*2*4 ] / 10
    #   = [4 + 4 + 8 + 8 + 2 + 2] / 10 = 2.8.  kappa = 1 - 1.5 / 2.8 = 0.4642857...
    scale = ["a", "b", "c"]
    pairs = pairs_from({("a", "a"): 3, ("b", "b"): 3, ("c", "c"): 1, ("a", "b"): 1, ("b", "c"): 1, ("c", "a"): 1})
    assert weighted_kappa(pairs, scale) == 0.464
    figures = agreement(pairs, scale)
    assert figures.exact_agreement_percent == 70.0 and figures.within_one_percent == 90.0


def test_perfect_agreement_is_1_and_none_at_all_is_below_0():
    perfect = [("good", "good"), ("inadequate", "inadequate"), ("outstanding", "outstanding")]
    assert weighted_kappa(perfect, OFSTED) == 1.0
    # Always at the opposite end: A outstanding when B inadequate and back. Observed 2 x 1 = 2; expected:
    # A and B each outstanding x1 and inadequate x1: [1*1*1 + 1*1*1] / 2 = 1 (the equal cells weigh 0).
    opposite = [("outstanding", "inadequate"), ("inadequate", "outstanding")]
    assert weighted_kappa(opposite, OFSTED) == -1.0
    assert agreement(opposite, OFSTED).exact_agreement_percent == 0.0


def test_kappa_is_not_made_up_where_it_is_not_defined():
    # Both always gave the one same grade: chance agrees every time, kappa is 0/0.
    assert weighted_kappa([("good", "good")] * 5, OFSTED) is None
    assert weighted_kappa([], OFSTED) is None
    assert weighted_kappa([("x", "x")], ["x"]) is None
    empty = agreement([], OFSTED)
    assert empty.pairs == 0 and empty.exact_agreement_percent is None and empty.weighted_kappa is None


def test_a_grade_off_the_scale_is_left_out_not_counted():
    figures = agreement([("good", "good"), ("good", "")], OFSTED)
    assert figures.pairs == 1 and figures.exact_agreement_percent == 100.0
