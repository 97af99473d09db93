"""Decision 766/QĐ-TTg (23/6/2022): the index provinces are ranked by on the national portal.

The index has five groups, 100 points in all (the Decision's Phụ lục; portal scoring since
1/8/2022): 1 public disclosure 18, 2 progress and results of processing 20, 3 online services
22, 4 digitisation 22, 5 satisfaction 18. Only some items can be computed from dossier
records; those are :data:`ITEMS`. Groups 1 and 5 need other data (the publication of
procedures, citizens' ratings) and are reported as not computable.

Scoring rule for an item with a target ratio: a ratio at or above the target earns the item's
full points; below it, ``ratio × points ÷ target``.

What is verified and what is not: the group maxima and the points of item 2.1 were read in the
Decision as published; the points and targets of items 3.3 and 3.6 and the targets of 4.2 and
4.3 come from provincial summaries of the Phụ lục (target 50 % for online submission, 80 % for
digitisation and reuse), and the points of 4.2 and 4.3 were not found: they are ``None`` and
those items report their ratio without a score. Pass your own ``items`` to
:func:`score_766` when the portal's current table differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

__all__ = ["GROUPS", "ITEMS", "Item766", "score_766"]

#: Group number -> (Vietnamese name, maximum points).
GROUPS: Mapping[str, tuple[str, int]] = {
    "1": ("Công khai, minh bạch", 18),
    "2": ("Tiến độ, kết quả giải quyết", 20),
    "3": ("Cung cấp dịch vụ trực tuyến", 22),
    "4": ("Số hóa hồ sơ", 22),
    "5": ("Mức độ hài lòng", 18),
}


@attrs.frozen(slots=True)
class Item766:
    """One Decision 766 item computed from dossier records.

    Attributes:
        code: the item number, e.g. ``"2.1"``.
        name_vi: its Vietnamese name.
        indicator: the report column holding its ratio.
        points: maximum points, or ``None`` when not known.
        target: the ratio that earns full points (``1.0``: proportional).
        verified: whether ``points`` and ``target`` were read in the Decision itself.
    """

    code: str
    name_vi: str
    indicator: str
    points: float | None
    target: float
    verified: bool = False

    @property
    def group(self) -> str:
        """The group number (the part before the dot)."""
        return self.code.split(".")[0]

    def score(self, ratio: float | None) -> float | None:
        """Points earned for ``ratio`` (``None`` without a ratio or without known points)."""
        if ratio is None or self.points is None:
            return None
        if ratio >= self.target:
            return float(self.points)
        return ratio * self.points / self.target


#: The items computable from dossier records.
ITEMS: tuple[Item766, ...] = (
    Item766("2.1", "Xử lý hồ sơ trước hạn, đúng hạn", "rate_766_on_time", 20, 1.0, verified=True),
    Item766("3.3", "Hồ sơ nộp trực tuyến", "online_rate", 6, 0.5),
    Item766("3.6", "Thanh toán trực tuyến", "online_payment_rate", 6, 0.5),
    Item766("4.2", "Số hóa hồ sơ", "digitisation_rate", None, 0.8),
    Item766("4.3", "Tái sử dụng dữ liệu số hóa", "reuse_rate", None, 0.8),
)


def score_766(
    indicators: Mapping[str, object], items: Sequence[Item766] = ITEMS
) -> dict[str, list[dict[str, object]]]:
    """Score the computable items and sum them per group.

    Args:
        indicators: a report's overall indicators (ratios by column name).
        items: the item table (default :data:`ITEMS`).

    Returns:
        ``{"items": [...], "groups": [...]}``: each item with ``ratio``, ``points``,
        ``target``, ``score``; each group with its maximum, the points earned on the items
        computed and the maximum of those items.
    """
    rows: list[dict[str, object]] = []
    for item in items:
        value = indicators.get(item.indicator)
        ratio = float(value) if isinstance(value, int | float) else None
        rows.append(
            {
                "item": item.code,
                "name": item.name_vi,
                "ratio": ratio,
                "target": item.target,
                "points": item.points,
                "score": item.score(ratio),
                "verified": item.verified,
            }
        )
    groups: list[dict[str, object]] = []
    for number, (name, maximum) in GROUPS.items():
        mine = [(it, r) for it, r in zip(items, rows, strict=True) if it.group == number]
        scored = [(it, r["score"]) for it, r in mine if isinstance(r["score"], float)]
        groups.append(
            {
                "group": number,
                "name": name,
                "max_points": maximum,
                "computed_items": [it.code for it, _ in scored],
                "score": sum(score for _, score in scored) if scored else None,
                "max_of_computed": (
                    sum(float(it.points or 0) for it, _ in scored) if scored else None
                ),
            }
        )
    return {"items": rows, "groups": groups}
