"""Vietnam's provinces before and after the 1 July 2025 reform, with their official codes.

Two eras are covered:

* ``"2008"``: the 63 provinces from 1 August 2008 (Hà Tây merged into Hà Nội) to 30 June 2025.
  Their GSO codes (Quyết định 124/2004/QĐ-TTg) are what CCCD numbers carry.
* ``"2025"``: the 34 provinces from 1 July 2025 (Nghị quyết 202/2025/QH15), with the codes of
  Quyết định 19/2025/QĐ-TTg.

The data table is :mod:`onestop.models._data.provinces`; see ``docs/identifiers.md`` for why
onestop ships its own table rather than depending on the ``vietnam-provinces`` package.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Literal, final

from onestop.errors import IdentifierReason, InvalidIdentifierError
from onestop.models._data.provinces import (
    DISPUTED_H,
    ENGLISH_NAMES,
    PROVINCES_2008,
    PROVINCES_2025,
)

__all__ = [
    "Era",
    "Province",
    "ProvinceKind",
    "find_province",
    "predecessor_provinces",
    "province_by_code",
    "provinces",
    "successor_province",
]

#: ``"2008"`` = the 63 provinces (1 Aug 2008 – 30 Jun 2025); ``"2025"`` = the 34 from 1 Jul 2025.
Era = Literal["2008", "2025"]
#: ``"municipality"`` = thành phố trực thuộc trung ương, ``"province"`` = tỉnh.
ProvinceKind = Literal["municipality", "province"]


def ascii_name(name: str) -> str:
    """Strip Vietnamese diacritics (``"Đắk Lắk"`` → ``"Dak Lak"``)."""
    decomposed = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@final
class Province:
    """A province-level administrative unit (tỉnh or thành phố trực thuộc trung ương).

    Instances are immutable and interned: there is one object per province and era, obtained
    from :func:`provinces` or :func:`province_by_code`.

    Attributes:
        era: ``"2008"`` (63 provinces) or ``"2025"`` (34 provinces).
        code: 2-digit GSO code in that era, e.g. ``"79"``.
        name_vi: short Vietnamese name, e.g. ``"Hồ Chí Minh"``.
        name_ascii: ``name_vi`` without diacritics.
        name_en: English name, e.g. ``"Ho Chi Minh City"``.
        kind: ``"municipality"`` or ``"province"``.
        agency_code: H-code (Mã cấp 1 of the UBND tỉnh, QĐ 20/2020/QĐ-TTg), e.g. ``"H29"``.
        agency_code_confirmed: whether the H-code was seen on an official source (the others
            are inferred from the alphabetical order of the table).
        cccd_code: 3-digit birth-registration code used in CCCD numbers (``"0" + code``) for the
            2008 era; ``None`` for the 2025 era (how new numbers encode the 34 provinces is not
            verified).
    """

    __slots__ = (
        "agency_code",
        "agency_code_confirmed",
        "cccd_code",
        "code",
        "era",
        "kind",
        "name_ascii",
        "name_en",
        "name_vi",
    )

    era: Era
    code: str
    name_vi: str
    name_ascii: str
    name_en: str
    kind: ProvinceKind
    agency_code: str
    agency_code_confirmed: bool
    cccd_code: str | None

    def __init__(
        self,
        *,
        era: Era,
        code: str,
        name_vi: str,
        kind: ProvinceKind,
        agency_code: str,
        agency_code_confirmed: bool,
    ) -> None:
        setter = object.__setattr__
        setter(self, "era", era)
        setter(self, "code", code)
        setter(self, "name_vi", name_vi)
        setter(self, "name_ascii", ascii_name(name_vi))
        setter(self, "name_en", ENGLISH_NAMES.get(name_vi, ascii_name(name_vi)))
        setter(self, "kind", kind)
        setter(self, "agency_code", agency_code)
        setter(self, "agency_code_confirmed", agency_code_confirmed)
        setter(self, "cccd_code", "0" + code if era == "2008" else None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Province is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Province is immutable (cannot delete {name!r})")

    @property
    def agency_code_note(self) -> str | None:
        """Why the H-code is in doubt, when a found source contradicts the inferred table."""
        return DISPUTED_H.get(self.agency_code)

    @property
    def full_name_vi(self) -> str:
        """Official Vietnamese name with its type, e.g. ``"Thành phố Hồ Chí Minh"``."""
        prefix = "Thành phố" if self.kind == "municipality" else "Tỉnh"
        return f"{prefix} {self.name_vi}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Province):
            return NotImplemented
        return (self.era, self.code) == (other.era, other.code)

    def __hash__(self) -> int:
        return hash(("Province", self.era, self.code))

    def __repr__(self) -> str:
        return f"Province(era={self.era!r}, code={self.code!r}, name_vi={self.name_vi!r})"

    def __str__(self) -> str:
        return self.full_name_vi

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (_lookup_exact, (self.era, self.code))


def _kind(raw: str) -> ProvinceKind:
    return "municipality" if raw == "tp" else "province"


_BY_CODE_2008: dict[str, Province] = {}
_SUCCESSOR_CODE: dict[str, str] = {}
for _gso, _h, _confirmed, _kind_raw, _name, _succ in PROVINCES_2008:
    _BY_CODE_2008[_gso] = Province(
        era="2008",
        code=_gso,
        name_vi=_name,
        kind=_kind(_kind_raw),
        agency_code=_h,
        agency_code_confirmed=_confirmed,
    )
    _SUCCESSOR_CODE[_gso] = _succ

_BY_CODE_2025: dict[str, Province] = {}
for _code, _kind_raw, _name, _kept in PROVINCES_2025:
    _kept_province = _BY_CODE_2008[_kept]
    _BY_CODE_2025[_code] = Province(
        era="2025",
        code=_code,
        name_vi=_name,
        kind=_kind(_kind_raw),
        agency_code=_kept_province.agency_code,
        agency_code_confirmed=_kept_province.agency_code_confirmed,
    )

_TABLES: dict[str, dict[str, Province]] = {"2008": _BY_CODE_2008, "2025": _BY_CODE_2025}
_BY_AGENCY: dict[str, dict[str, Province]] = {
    era: {p.agency_code: p for p in table.values()} for era, table in _TABLES.items()
}
_BY_CCCD: dict[str, Province] = {p.cccd_code or "": p for p in _BY_CODE_2008.values()}
_ORDERED: dict[str, tuple[Province, ...]] = {
    era: tuple(sorted(table.values(), key=lambda p: p.code)) for era, table in _TABLES.items()
}


def _lookup_exact(era: str, code: str) -> Province:
    return _TABLES[era][code]


def _check_era(era: str) -> dict[str, Province]:
    value: object = era
    table = _TABLES.get(value) if isinstance(value, str) else None
    if table is None:
        shown = (
            repr(value)[:20]
            if isinstance(value, str | int | None)
            else f"(a {type(value).__name__})"
        )
        raise InvalidIdentifierError(
            f"era: unknown era {shown}; expected '2008' (63 provinces) or '2025' (34 provinces)",
            field="era",
            reason=IdentifierReason.ERA,
        )
    return table


def provinces(era: Era = "2025") -> tuple[Province, ...]:
    """All provinces of an era, ordered by code.

    Args:
        era: ``"2025"`` for the 34 provinces from 1 July 2025 (NQ 202/2025/QH15), ``"2008"``
            for the 63 provinces of 1 August 2008 – 30 June 2025.

    Returns:
        A tuple of :class:`Province`.

    Raises:
        InvalidIdentifierError: for an unknown era.
    """
    _check_era(era)
    return _ORDERED[era]


def find_province(code: str, *, era: Era = "2025") -> Province | None:
    """The province with a GSO code, CCCD code or H-code (as :func:`province_by_code`), or None.

    Args:
        code: the code, stripped and upper-case.
        era: which table to search; the CCCD codes are those of the 2008 era.
    """
    table = _TABLES.get(era, {})
    if len(code) == 2:
        return table.get(code)
    if len(code) == 3 and code.isdigit() and era == "2008":
        return _BY_CCCD.get(code)
    if len(code) == 3 and code[0] == "H":
        return _BY_AGENCY.get(era, {}).get(code)
    return None


def province_by_code(code: str, *, era: Era = "2025") -> Province:
    """Look a province up by its GSO code, CCCD code or H-code.

    Args:
        code: a 2-digit GSO code (``"79"``), a 3-digit CCCD birth-registration code
            (``"079"``, 2008 era only) or a level-1 agency code (``"H29"``).
        era: which table to search (see :func:`provinces`).

    Returns:
        The province.

    Raises:
        InvalidIdentifierError: if no province of that era has the code.
    """
    _check_era(era)
    raw: object = code
    value = raw.strip().upper() if isinstance(raw, str) else raw
    found = find_province(value, era=era) if isinstance(value, str) else None
    if found is None:
        if isinstance(value, str):
            shown = repr(value) if len(value) <= 3 else f"a {len(value)}-character string"
        else:
            shown = f"a value of type {type(value).__name__} (codes are strings)"
        raise InvalidIdentifierError(
            f"province_code: {shown} is not a province code of the {era} era; expected a "
            "2-digit GSO code such as '79', a 3-digit CCCD code such as '079' (2008 era) or "
            "an H-code such as 'H29'",
            field="province_code",
            reason=IdentifierReason.PROVINCE,
        )
    return found


def successor_province(old: Province | str) -> Province:
    """The 2025 province that a 2008-era province became part of (NQ 202/2025/QH15).

    Args:
        old: a 2008-era :class:`Province`, or its code (as accepted by :func:`province_by_code`).
            A 2025-era province is returned unchanged.

    Returns:
        The 2025-era province.

    Raises:
        InvalidIdentifierError: if ``old`` is not a known province code.
    """
    if isinstance(old, Province):
        if old.era == "2025":
            return old
        province = old
    else:
        province = province_by_code(old, era="2008")
    return _BY_CODE_2025[_SUCCESSOR_CODE[province.code]]


def predecessor_provinces(new: Province | str) -> tuple[Province, ...]:
    """The 2008-era provinces merged into a 2025 province, the one whose name it kept first.

    Args:
        new: a 2025-era :class:`Province` or its code.

    Returns:
        The pre-merger provinces (one for a province the reform left unchanged).

    Raises:
        InvalidIdentifierError: if ``new`` is not a known 2025 province code.
    """
    province = new if isinstance(new, Province) else province_by_code(new, era="2025")
    if province.era != "2025":
        raise InvalidIdentifierError(
            f"province: {province.name_vi} is a 2008-era province; expected a 2025 province",
            field="province",
            reason=IdentifierReason.PROVINCE,
        )
    members: Iterable[Province] = (
        p for p in _ORDERED["2008"] if _SUCCESSOR_CODE[p.code] == province.code
    )
    return tuple(sorted(members, key=lambda p: p.agency_code != province.agency_code))
