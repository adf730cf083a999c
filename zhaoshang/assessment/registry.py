"""The indicator registry: what the assessment can score, registered by the apps that own
the figures.

An app adds an indicator in its own ``indicators.py`` by calling ``register(Indicator(...))``
at import; ``AssessmentConfig.ready`` imports every installed app's ``indicators`` module
(``autodiscover_modules``), so a new module (events, supervision, partners) adds its
indicators without touching the engine, as the stage guards are registered with
``pipeline.projects.workflow.register_check``.

An indicator's ``compute(period)`` returns, for every unit with a figure, a ``Figure``: the
value and the ids of the records behind it (kept in the result, so an issued result's
drill-down shows the records it counted). A unit missing from the answer has the figure 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# How a figure reads: a count (个), an amount in yuan (shown in 万元), a percentage.
COUNT, CNY, RATE = "count", "cny", "rate"
KIND_UNITS = {COUNT: "个", CNY: "万元", RATE: "%"}


@dataclass
class Figure:
    value: Decimal
    ids: list[int] = field(default_factory=list)


@dataclass
class Period:
    """The span a result covers: from 1 January of ``year`` to ``end`` (inclusive), with a
    cache the indicators of one computation share (``shared``)."""

    year: int
    end: dt.date
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    def once(self, key: str, load: Callable[[], Any]) -> Any:
        """``load()`` once per computation: signings are read once for all their indicators."""
        if key not in self.shared:
            self.shared[key] = load()
        return self.shared[key]


@dataclass(frozen=True)
class Indicator:
    """One scorable figure. ``target_field`` names the ``Target`` column its target can be
    taken from (the scheme may instead set a fixed target). ``records`` turns the ids a
    figure kept into (headers, rows) for the drill-down page, scoped to the user:
    ``records(user, ids) -> (headers, [[cell, ...], ...], [url or "", ...])``."""

    code: str
    label: str
    kind: str
    owner: str
    rule: str
    compute: Callable[[Period], dict[int, Figure]]
    records: Callable[[Any, list[int]], tuple[list[str], list[list[Any]], list[str]]]
    target_field: str = ""
    order: int = 100
    # For figures whose records another page already lists (funds in place: the monthly
    # report's drill-down), the link to it instead of kept ids.
    link: Callable[[Period, int], str] | None = None


INDICATORS: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add ``indicator`` (registering one code twice keeps the latest: a reload)."""
    INDICATORS[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator | None:
    return INDICATORS.get(code)


def every() -> list[Indicator]:
    return sorted(INDICATORS.values(), key=lambda i: (i.order, i.code))


def count_by_unit(pairs: Iterable[tuple[int, int]]) -> dict[int, Figure]:
    """{unit: Figure(count, ids)} from (unit, record id) pairs."""
    out: dict[int, Figure] = {}
    for unit, pk in pairs:
        fig = out.get(unit)
        if fig is None:
            fig = out[unit] = Figure(Decimal(0))
        fig.value += 1
        fig.ids.append(pk)
    return out


def rate_by_unit(rows: Iterable[tuple[int, int, bool]]) -> dict[int, Figure]:
    """{unit: Figure(percent on time, ids)} from (unit, record id, on time) rows: the
    share of the unit's records done on time, one decimal; ids are every record."""
    done: dict[int, list[int]] = {}
    ids: dict[int, list[int]] = {}
    for unit, pk, on_time in rows:
        done.setdefault(unit, [0, 0])
        done[unit][0] += 1 if on_time else 0
        done[unit][1] += 1
        ids.setdefault(unit, []).append(pk)
    return {
        unit: Figure((Decimal(good) * 100 / Decimal(n)).quantize(Decimal("0.1")), ids[unit])
        for unit, (good, n) in done.items()
    }
