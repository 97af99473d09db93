"""Personal and tax identity numbers: CCCD (CitizenId), CMND (LegacyId) and MST (TaxCode).

All three are immutable value types with ``parse()``, canonical ``str()``, accessors for their
parts and pydantic v2 integration (usable as field types, serialized as their canonical
string, with a JSON Schema ``{"type": "string", "pattern": ..., "description": ...}``).

Error messages and ``repr()`` never show a full personal number: it is masked with
:func:`onestop.errors.mask_id`.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, final

from onestop.errors import IdentifierReason, InvalidIdentifierError, mask_id
from onestop.models._provinces import (
    Province,
    find_province,
    province_by_code,
    successor_province,
)
from onestop.tz import VN_TZ

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = [
    "CitizenId",
    "Identifier",
    "LegacyId",
    "Sex",
    "TaxCode",
    "TaxCodeKind",
    "reason_of",
    "today_vn",
]

#: Sex encoded in the century digit of a CCCD number.
Sex = Literal["male", "female"]
#: ``"base"`` = 10-digit MST; ``"branch"`` = 13-digit MST of a dependent unit;
#: ``"citizen_id"`` = a 12-digit personal ID used as MST (from 1 July 2025).
TaxCodeKind = Literal["base", "branch", "citizen_id"]


def today_vn() -> date:
    """Today's date in Vietnam (Asia/Ho_Chi_Minh), whatever the system time zone."""
    return datetime.now(VN_TZ).date()


def _reference_day(today: object) -> date:
    """``today`` checked to be a date (``None`` means today in Asia/Ho_Chi_Minh)."""
    if today is None:
        return today_vn()
    if not isinstance(today, date):
        raise InvalidIdentifierError(
            f"today: expected a datetime.date (or None for today in Asia/Ho_Chi_Minh), got a "
            f"{type(today).__name__}",
            field="today",
            reason=IdentifierReason.TYPE,
        )
    return today


#: Nine or more digits in a row: the length of a CMND, CCCD or MST.
_LONG_DIGIT_RUN = re.compile(r"[0-9]{9,}")


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def reason_of(exc: InvalidIdentifierError) -> str:
    """The reason part of a message built by ``Identifier._error`` (to nest it in another)."""
    return exc.message.split(" is invalid: ", 1)[-1].split("; expected", 1)[0]


@functools.total_ordering
class Identifier:
    """Shared behaviour of onestop's identifier value types (private base class).

    Subclasses set the class constants and parse in ``__init__`` (storing the canonical string
    in ``_value``). Equality, hashing and ordering use the type and the canonical string.
    """

    __slots__ = ("_value",)

    #: Name of the field in error messages.
    _FIELD: ClassVar[str] = "identifier"
    #: Regular expression of the canonical and accepted forms (JSON Schema ``pattern``).
    _PATTERN: ClassVar[str] = ""
    #: Human description of the expected form (JSON Schema ``description`` and errors).
    _EXPECTED: ClassVar[str] = ""
    #: Whether the value is personal data that must be masked in messages and ``repr``.
    _PERSONAL: ClassVar[bool] = False

    _value: str

    def __init__(self, value: str) -> None:  # pragma: no cover - subclasses parse
        raise NotImplementedError

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name!r})")

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    @classmethod
    def _shown(cls, raw: str) -> str:
        # A non-personal code that holds a long run of digits may be a mistyped ID number
        # (``A79203001234`` given as an agency code): mask it too.
        if cls._PERSONAL or _LONG_DIGIT_RUN.search(raw):
            return repr(mask_id(raw))
        return repr(raw if len(raw) <= 60 else raw[:57] + "...")

    @classmethod
    def _error(cls, raw: object, reason: IdentifierReason, detail: str) -> InvalidIdentifierError:
        shown = cls._shown(raw) if isinstance(raw, str) else f"a value of type {type(raw).__name__}"
        return InvalidIdentifierError(
            f"{cls._FIELD}: {shown} is invalid: {detail}; expected {cls._EXPECTED}",
            field=cls._FIELD,
            reason=reason,
        )

    @classmethod
    def _text(cls, raw: object) -> str:
        if not isinstance(raw, str):
            raise cls._error(raw, IdentifierReason.TYPE, "not a string")
        return raw.strip()

    def __str__(self) -> str:
        return self._value

    def __repr__(self) -> str:
        shown = mask_id(self._value) if self._PERSONAL else self._value
        return f"{type(self).__name__}({shown!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._value == other._value

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._value))

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._value < other._value

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (type(self), (self._value,))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        def validate(value: Any) -> Any:
            if isinstance(value, cls):
                return value
            return cls(value)

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": cls._PATTERN, "description": cls._EXPECTED}


@final
class CitizenId(Identifier):
    """A 12-digit personal identification number (số định danh cá nhân, printed on the CCCD).

    Layout ``PPP G YY NNNNNN`` (Thông tư 07/2016/TT-BCA Art. 7, kept by Thông tư
    59/2021/TT-BCA): ``PPP`` is the code of the province where the birth was registered
    (``"0"`` + the GSO code of one of the 63 pre-2025 provinces), ``G`` encodes century and
    sex (1900s: 0 male / 1 female, 2000s: 2/3, 2100s: 4/5, 2200s: 6/7, 2300s: 8/9), ``YY`` are
    the last two digits of the birth year and ``NNNNNN`` is a random number. There is no check
    digit. Numbers whose ``PPP`` is not a province code (such as births registered abroad) are
    rejected, since their coding is not published in a text onestop could verify.

    Example:
        >>> cid = CitizenId.parse("079203001234", today=date(2026, 1, 1))
        >>> cid.province.name_vi, cid.sex, cid.birth_year
        ('Hồ Chí Minh', 'male', 2003)
    """

    __slots__ = ("_province",)

    _FIELD = "citizen_id"
    _PATTERN = r"^\s*[0-9]{12}\s*$"
    _EXPECTED = (
        "12 digits 'PPPGYYNNNNNN' (CCCD / số định danh cá nhân): province code 001–096, "
        "century-and-sex digit, 2-digit birth year, 6 digits"
    )
    _PERSONAL = True

    _province: Province

    def __init__(self, value: str, *, today: date | None = None) -> None:
        text = self._text(value)
        if len(text) != 12:
            raise self._error(
                text, IdentifierReason.LENGTH, f"it has {len(text)} characters, not 12"
            )
        if not _digits(text):
            raise self._error(
                text, IdentifierReason.CHARACTERS, "it contains a character that is not a digit 0–9"
            )
        province = find_province(text[:3], era="2008")
        if province is None:
            raise self._error(
                text,
                IdentifierReason.PROVINCE,
                f"{text[:3]!r} is not the birth-registration code of a province",
            )
        year = 1900 + 100 * (int(text[3]) // 2) + int(text[4:6])
        now = _reference_day(today)
        if year > now.year:
            raise self._error(
                text, IdentifierReason.BIRTH_YEAR, f"its birth year {year} is in the future"
            )
        self._set("_value", text)
        self._set("_province", province)

    @classmethod
    def parse(cls, value: str, *, today: date | None = None) -> Self:
        """Parse and validate a CCCD number.

        Args:
            value: the number; surrounding whitespace is ignored.
            today: reference date for the "birth year not in the future" check; defaults to
                today in Asia/Ho_Chi_Minh.

        Returns:
            The parsed number.

        Raises:
            InvalidIdentifierError: if the length, a digit, the province code or the birth year
                is wrong (the number is masked in the message).
        """
        return cls(value, today=today)

    @classmethod
    def build(
        cls,
        *,
        province: Province | str,
        sex: Sex,
        birth_year: int,
        serial: int,
        today: date | None = None,
    ) -> Self:
        """Compose a number from its parts (for test data and fixtures).

        Args:
            province: the 2008-era birth-registration province, or its GSO, CCCD or H-code.
            sex: ``"male"`` or ``"female"``.
            birth_year: 1900–2399, not after ``today``'s year.
            serial: the last six digits, 0–999999.
            today: reference date (defaults to today in Asia/Ho_Chi_Minh).

        Raises:
            InvalidIdentifierError: naming the part that cannot be encoded.
        """
        if isinstance(province, Province):
            if province.cccd_code is None:
                raise InvalidIdentifierError(
                    f"province: {province.name_vi} is a 2025-era province; CCCD numbers carry a "
                    "2008-era province (see successor_province/predecessor_provinces)",
                    field="province",
                    reason=IdentifierReason.PROVINCE,
                )
            code = province.cccd_code
        else:
            found = province_by_code(province, era="2008")
            code = found.cccd_code or ""
        if sex not in ("male", "female"):
            raise InvalidIdentifierError(
                f"sex: {sex!r} cannot be encoded; expected 'male' or 'female'",
                field="sex",
                reason=IdentifierReason.SEX,
            )
        year: object = birth_year
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2399:
            raise InvalidIdentifierError(
                f"birth_year: {birth_year!r} cannot be encoded; expected an int 1900–2399",
                field="birth_year",
                reason=IdentifierReason.BIRTH_YEAR,
            )
        number: object = serial
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 999_999:
            raise InvalidIdentifierError(
                "serial: expected an int 0–999999 (the last six digits)",
                field="serial",
                reason=IdentifierReason.SERIAL,
            )
        digit = 2 * ((year - 1900) // 100) + (0 if sex == "male" else 1)
        return cls(f"{code}{digit}{year % 100:02d}{number:06d}", today=today)

    @property
    def province_code(self) -> str:
        """The 3-digit birth-registration code, e.g. ``"079"``."""
        return self._value[:3]

    @property
    def province(self) -> Province:
        """The (2008-era) province where the birth was registered."""
        return self._province

    @property
    def current_province(self) -> Province:
        """The 2025-era province that now covers the birth-registration province."""
        return successor_province(self._province)

    @property
    def century_sex_digit(self) -> int:
        """The 4th digit, encoding century and sex."""
        return int(self._value[3])

    @property
    def sex(self) -> Sex:
        """``"male"`` for an even century digit, ``"female"`` for an odd one."""
        return "male" if self.century_sex_digit % 2 == 0 else "female"

    @property
    def century(self) -> int:
        """The first year of the birth century: ``1900`` (digits 0/1), ``2000`` (2/3) … ``2300``."""
        return 1900 + 100 * (self.century_sex_digit // 2)

    @property
    def birth_year(self) -> int:
        """The full birth year, e.g. ``2003``."""
        return self.century + int(self._value[4:6])

    @property
    def serial(self) -> str:
        """The last six (random) digits."""
        return self._value[6:]

    def masked(self) -> str:
        """The number masked for display in logs, e.g. ``"0792******34"``."""
        return mask_id(self._value)


@final
class LegacyId(Identifier):
    """A 9-digit identity card number (chứng minh nhân dân, CMND).

    CMND were issued under Nghị định 05/1999/NĐ-CP and stopped being valid on 1 January 2025
    (Luật Căn cước 2023 Art. 46); they still appear in older records. The number has no check
    digit, so only its form is validated.
    """

    __slots__ = ()

    _FIELD = "legacy_id"
    _PATTERN = r"^\s*[0-9]{9}\s*$"
    _EXPECTED = "9 digits (CMND number)"
    _PERSONAL = True

    def __init__(self, value: str) -> None:
        text = self._text(value)
        if len(text) != 9:
            raise self._error(
                text, IdentifierReason.LENGTH, f"it has {len(text)} characters, not 9"
            )
        if not _digits(text):
            raise self._error(
                text, IdentifierReason.CHARACTERS, "it contains a character that is not a digit 0–9"
            )
        self._set("_value", text)

    @classmethod
    def parse(cls, value: str) -> Self:
        """Parse and validate a CMND number.

        Raises:
            InvalidIdentifierError: if it is not exactly 9 digits (value masked).
        """
        return cls(value)

    def masked(self) -> str:
        """The number masked for display in logs."""
        return mask_id(self._value, keep_start=2, keep_end=2)


_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def mst_check_digit(first_nine: str) -> int | None:
    """The check digit of a 10-digit MST, or ``None`` when no digit can make it valid.

    ``d10 = 10 − (Σ wᵢ·dᵢ mod 11)`` with weights ``31, 29, 23, 19, 17, 13, 7, 5, 3``; a
    remainder of 0 would need "10", so such prefixes are never issued. The rule is the one the
    tax authority's software applies (as documented by python-stdnum's ``stdnum.vn.mst``); no
    legal text publishes it.

    Args:
        first_nine: the first nine digits.
    """
    remainder = sum(w * int(d) for w, d in zip(_MST_WEIGHTS, first_nine, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


_MST_SEPARATORS = re.compile(r"[\s\-]")


@final
class TaxCode(Identifier):
    """A tax identification number (mã số thuế, MST).

    Three forms (structure as in Thông tư 105/2020/TT-BTC; Thông tư 86/2024/TT-BTC):

    * ``base``: 10 digits, the last a check digit (see :func:`mst_check_digit`); digits 3–9
      are not all zero.
    * ``branch``: 13 digits, a base MST plus a 3-digit unit number ``001``–``999``, written
      ``0100109106-001`` (canonical) or ``0100109106001``.
    * ``citizen_id``: from 1 July 2025, individuals, household businesses and dependants use
      their 12-digit personal ID (:class:`CitizenId`) as MST (TT 86/2024/TT-BTC).

    Example:
        >>> TaxCode.parse("0100109106001").branch
        '001'
    """

    __slots__ = ("_citizen_id",)

    _FIELD = "tax_code"
    _PATTERN = r"^\s*([0-9]{10}|[0-9]{10}(\s*-\s*|\s+)?[0-9]{3}|[0-9]{12})\s*$"
    _EXPECTED = (
        "a 10-digit MST with a valid check digit, a 13-digit branch MST "
        "('0100109106-001' or '0100109106001') or a 12-digit personal ID"
    )
    _PERSONAL = True

    _citizen_id: CitizenId | None

    def __init__(self, value: str, *, today: date | None = None) -> None:
        if today is not None:
            _reference_day(today)
        text = self._text(value)
        compact = _MST_SEPARATORS.sub("", text)
        if not _digits(compact):
            raise self._error(
                text,
                IdentifierReason.CHARACTERS,
                "it contains a character other than digits and one '-'",
            )
        if len(compact) == 12:
            if compact != text:
                raise self._error(
                    text,
                    IdentifierReason.FORMAT,
                    "a 12-digit personal ID is written without separators",
                )
            try:
                citizen = CitizenId(compact, today=today)
            except InvalidIdentifierError as exc:
                raise self._error(
                    text, exc.reason, f"as a 12-digit personal ID, {reason_of(exc)}"
                ) from None
            self._set("_value", compact)
            self._set("_citizen_id", citizen)
            return
        if len(compact) not in (10, 13):
            raise self._error(
                text, IdentifierReason.LENGTH, f"it has {len(compact)} digits, not 10, 12 or 13"
            )
        if len(text) != len(compact) and not (
            len(compact) == 13 and re.fullmatch(r"[0-9]{10}(?:\s*-\s*|\s+)[0-9]{3}", text)
        ):
            raise self._error(
                text,
                IdentifierReason.FORMAT,
                "a separator is only allowed (one '-' or spaces) before the branch",
            )
        if compact[2:9] == "0000000":
            raise self._error(text, IdentifierReason.FORMAT, "digits 3 to 9 must not all be zero")
        check = mst_check_digit(compact[:9])
        if check is None:
            raise self._error(
                text,
                IdentifierReason.CHECKSUM,
                "no check digit is possible for its first nine digits",
            )
        if int(compact[9]) != check:
            raise self._error(
                text, IdentifierReason.CHECKSUM, "its check digit (10th digit) is wrong"
            )
        if len(compact) == 13:
            if compact[10:] == "000":
                raise self._error(
                    text, IdentifierReason.BRANCH, "the branch number must be 001–999, not 000"
                )
            self._set("_value", f"{compact[:10]}-{compact[10:]}")
        else:
            self._set("_value", compact)
        self._set("_citizen_id", None)

    @classmethod
    def parse(cls, value: str, *, today: date | None = None) -> Self:
        """Parse and validate an MST.

        Args:
            value: the number; surrounding whitespace is ignored, and a 13-digit form may have
                a hyphen (or space) before the branch number.
            today: reference date for a 12-digit personal ID's birth-year check.

        Returns:
            The parsed tax code, canonical form ``XXXXXXXXXX``, ``XXXXXXXXXX-NNN`` or the
            12-digit personal ID.

        Raises:
            InvalidIdentifierError: for a wrong length, character, check digit or branch number
                (value masked).
        """
        return cls(value, today=today)

    @classmethod
    def build(cls, first_nine: str, *, branch: int | None = None) -> Self:
        """Compose a 10- or 13-digit MST by computing its check digit.

        Args:
            first_nine: the first nine digits.
            branch: a branch number 1–999 for a 13-digit MST.

        Raises:
            InvalidIdentifierError: if the digits are malformed, no check digit exists for
                them, or the branch is out of range.
        """
        raw: object = first_nine
        if not isinstance(raw, str) or len(raw) != 9 or not _digits(raw):
            raise InvalidIdentifierError(
                "first_nine: expected a string of 9 digits 0–9",
                field="first_nine",
                reason=IdentifierReason.FORMAT,
            )
        check = mst_check_digit(raw)
        if check is None:
            raise InvalidIdentifierError(
                "first_nine: no check digit exists for these digits (weighted sum ≡ 0 mod 11); "
                "expected the first nine digits of an issuable MST",
                field="first_nine",
                reason=IdentifierReason.CHECKSUM,
            )
        value = f"{raw}{check}"
        if branch is not None:
            number: object = branch
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
                raise InvalidIdentifierError(
                    f"branch: {branch!r} is out of range; expected an int 1–999",
                    field="branch",
                    reason=IdentifierReason.BRANCH,
                )
            value = f"{value}-{number:03d}"
        return cls(value)

    @property
    def kind(self) -> TaxCodeKind:
        """``"base"``, ``"branch"`` or ``"citizen_id"``."""
        if self._citizen_id is not None:
            return "citizen_id"
        return "branch" if len(self._value) == 14 else "base"

    @property
    def base(self) -> str | None:
        """The 10-digit MST (of the parent for a branch); ``None`` for a personal ID."""
        return None if self._citizen_id is not None else self._value[:10]

    @property
    def branch(self) -> str | None:
        """The 3-digit branch number of a 13-digit MST, else ``None``."""
        return self._value[11:] if self.kind == "branch" else None

    @property
    def citizen_id(self) -> CitizenId | None:
        """The personal ID when this tax code is one, else ``None``."""
        return self._citizen_id

    @property
    def parent(self) -> TaxCode | None:
        """For a branch, the parent's 10-digit tax code; else ``None``."""
        base = self.base
        return TaxCode(base) if self.kind == "branch" and base is not None else None

    @property
    def compact(self) -> str:
        """The digits only (``0100109106001`` for a branch)."""
        return self._value.replace("-", "")

    def masked(self) -> str:
        """The tax code masked for display in logs."""
        return mask_id(self._value)
