"""How a scheme turns figures into points: pure functions of numbers, no database.

Methods of an item (``method``):

- ``rate``  完成率计分: figure ÷ target × weight, the rate capped at ``cap`` (1.2 lets a unit
  earn up to 120% of the weight). A unit given no target (0) earns nothing on the item: a
  rate cannot be measured, and a unit must not outscore those that were set targets.
  A percentage indicator (on-time rates) with no records has nothing late: full weight.
- ``rank``  排名计分: within the unit's group, by figure, highest first; equal figures share
  the better place (1, 2, 2, 4). Points: weight − (place − 1) × ``step``, never below 0.
- ``yesno`` 达标计分: the weight when the figure reaches the target, else 0.
- ``deduct`` 扣分: ``per_case`` points off for each case (the figure), at most the weight.
- ``bonus`` 加分: ``per_case`` points for each case, at most the weight.

Targets (``target``): ``target`` reads the unit's ``Target`` row (the indicator's
``target_field``), ``fixed`` uses ``target_value`` for every unit, ``none`` has none. A
provisional result for January to month m measures against m/12 of an annual target
(时间过半、任务过半), percentages excepted. Points have two decimals, rounded half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATE, RANK, YESNO, DEDUCT, BONUS = "rate", "rank", "yesno", "deduct", "bonus"
METHODS = {
    RATE: "完成率×权重（封顶）",
    RANK: "组内排名计分",
    YESNO: "达标得分",
    DEDUCT: "按件扣分",
    BONUS: "按件加分",
}
TARGET_RULES = {"target": "按下达的目标任务", "fixed": "统一目标值", "none": "不设目标"}
POINT = Decimal("0.01")


def points(value: Decimal) -> Decimal:
    return Decimal(value).quantize(POINT, rounding=ROUND_HALF_UP)


def prorated(target: Decimal | None, months: int, is_rate: bool) -> Decimal | None:
    """The target for January to month ``months`` of an annual ``target``."""
    if target is None or is_rate or months >= 12:
        return target
    return Decimal(target) * months / 12


def score_rate(figure: Decimal | None, target: Decimal | None, weight: Decimal, cap: Decimal):
    if figure is None:
        return points(weight)
    if not target:
        return points(0)
    return points(min(Decimal(figure) / Decimal(target), Decimal(cap)) * weight)


def score_yesno(figure: Decimal | None, target: Decimal | None, weight: Decimal) -> Decimal:
    if figure is None:
        return points(weight)
    return points(weight if Decimal(figure) >= Decimal(target or 0) else 0)


def score_deduct(figure: Decimal | None, per_case: Decimal, weight: Decimal) -> Decimal:
    return -points(min(Decimal(figure or 0) * per_case, weight))


def score_bonus(figure: Decimal | None, per_case: Decimal, weight: Decimal) -> Decimal:
    return points(min(Decimal(figure or 0) * per_case, weight))


def places(figures: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking, highest first: equal values share the better place."""
    ordered = sorted(figures.values(), reverse=True)
    first = {}
    for i, value in enumerate(ordered, start=1):
        first.setdefault(value, i)
    return {unit: first[value] for unit, value in figures.items()}


def score_rank(place: int, weight: Decimal, step: Decimal) -> Decimal:
    return points(max(Decimal(weight) - (place - 1) * Decimal(step), Decimal(0)))
