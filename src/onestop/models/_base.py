"""The frozen base model and the conversion of pydantic errors into onestop errors.

Every domain model of :mod:`onestop.models` derives from :class:`FrozenModel`: immutable,
``extra="forbid"``, strings stripped, and every public way of building one (the constructor,
``model_validate``, ``model_validate_json``, ``from_json``) raises
:class:`~onestop.errors.InvalidDossierError` instead of a bare pydantic ``ValidationError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from onestop.errors import InvalidDossierError, OneStopError

__all__ = [
    "MULTILINE_PATTERN",
    "ONE_LINE_PATTERN",
    "FrozenModel",
    "Instant",
    "MultilineText",
    "Text",
    "describe_validation_error",
]

#: How many individual problems a converted error message lists before summarising.
_MAX_LISTED = 5


#: One line of text: no control character (C0 controls, DEL, C1 controls: NUL, escape, line
#: breaks, tabs...) and no Unicode line or paragraph separator (U+2028, U+2029). Checked by
#: pydantic-core's regex engine; exported in the JSON Schema (ECMA-262 syntax).
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
#: Multi-line text (notes, reasons, summaries): as one line, but tab, line feed and carriage
#: return are allowed, and so are U+2028 and U+2029.
MULTILINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_PATTERN_MESSAGES = {
    ONE_LINE_PATTERN: "must be one line of text without control characters (such as NUL, "
    "tab or a line break)",
    MULTILINE_PATTERN: "must not contain control characters (such as NUL or escape); line "
    "breaks and tabs are allowed",
}

#: A free-text field of one line (names, addresses, codes). Every text field of a domain model
#: is :data:`Text` or :data:`MultilineText` (or has a stricter pattern of its own), so that a
#: NUL byte or an escape sequence never reaches a database, a log or a form.
Text = Annotated[str, Field(pattern=ONE_LINE_PATTERN)]
#: A free-text field that may span lines (notes, reasons, summaries).
MultilineText = Annotated[str, Field(pattern=MULTILINE_PATTERN)]


def _loc_to_str(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as a dotted path, e.g. ``documents[0].sha256``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = part
    return out


def describe_validation_error(exc: ValidationError, *, model: str) -> tuple[str, str | None]:
    """Turn a pydantic ``ValidationError`` into a message free of personal data.

    Only the location and pydantic's message are used, never the offending input, because
    the input may be an ID number or a name.

    Args:
        exc: the pydantic error.
        model: the model name, used as the start of the message.

    Returns:
        ``(message, field)`` where ``field`` is the dotted location of the first problem
        (``None`` when the problem is with the whole object).
    """
    errors = exc.errors(include_url=False, include_input=False)
    parts: list[str] = []
    first_field: str | None = None
    for err in errors[:_MAX_LISTED]:
        loc = _loc_to_str(tuple(err["loc"]))
        if first_field is None and loc:
            first_field = loc
        where = loc or "(whole object)"
        message = err["msg"]
        if err["type"] == "string_pattern_mismatch":
            # "String should match pattern '^[^\x00-...]*$'" says nothing to a reader
            message = _PATTERN_MESSAGES.get(str((err.get("ctx") or {}).get("pattern")), message)
        parts.append(f"{where}: {message}")
    more = len(errors) - _MAX_LISTED
    if more > 0:
        parts.append(f"... and {more} more problem(s)")
    noun = "problem" if len(errors) == 1 else "problems"
    return f"invalid {model} ({len(errors)} {noun}): " + "; ".join(parts), first_field


def _no_timestamps(value: Any) -> Any:
    if isinstance(value, int | float):
        # A plain ValueError: pydantic reports it with the field's location, and the model
        # turns the whole report into an InvalidDossierError.
        raise ValueError(
            "expected an ISO 8601 date-time with a UTC offset (e.g. "
            "'2026-03-02T09:00:00+07:00'), not a number"
        )
    return value


#: A timezone-aware datetime given as a ``datetime`` or an ISO 8601 string with an offset;
#: numbers (Unix timestamps) are refused so that the model accepts what its JSON Schema says.
Instant = Annotated[AwareDatetime, BeforeValidator(_no_timestamps)]


class FrozenModel(BaseModel):
    """Base of onestop's domain models: frozen, strict about unknown keys, error-converting.

    Construction errors surface as :class:`~onestop.errors.InvalidDossierError` (its message
    names each faulty field and the problem; the pydantic error is the ``__cause__``).
    Errors already of the onestop tree raised inside validators pass through unchanged.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_serialization_defaults_required=True,
        defer_build=True,
    )

    #: The error class raised when validation fails.
    _error_class: ClassVar[type[InvalidDossierError]] = InvalidDossierError

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise self._convert(exc) from exc

    # Tell pydantic this is not a custom ``__init__``: nested models are then validated in
    # pydantic-core (fast, with full error locations) and only top-level construction converts.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable (cannot set {name!r}); build a new one with "
            "the transition methods or model_copy(update=...)"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name!r})")

    @classmethod
    def _convert(cls, exc: ValidationError) -> OneStopError:
        """Build the onestop error for a failed validation of this model."""
        cause = _onestop_cause(exc)
        if cause is not None:
            return cause
        message, field = describe_validation_error(exc, model=cls.__name__)
        return cls._error_class(message, field=field)

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a Python object (dict or model) into this model.

        Raises:
            InvalidDossierError: the object does not validate.
        """
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise cls._convert(exc) from exc

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        """Parse and validate a JSON document into this model.

        Raises:
            InvalidDossierError: the JSON is malformed or does not validate.
        """
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise cls._convert(exc) from exc

    @classmethod
    def model_validate_strings(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate an object whose leaves are strings (e.g. from a form or a CSV row).

        Raises:
            InvalidDossierError: the object does not validate.
        """
        try:
            return super().model_validate_strings(obj, *args, **kwargs)
        except ValidationError as exc:
            raise cls._convert(exc) from exc

    @classmethod
    def from_json(cls, data: str | bytes) -> Self:
        """Parse a JSON document produced by :meth:`to_json` (or any conforming producer).

        Args:
            data: the JSON text, as ``str`` or UTF-8 ``bytes``.

        Returns:
            The validated model.

        Raises:
            InvalidDossierError: the JSON is malformed or does not validate.
        """
        return cls.model_validate_json(data)

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise to JSON: datetimes in ISO 8601 with offset, identifiers as canonical strings.

        Args:
            indent: pretty-print with this indentation; compact when ``None``.

        Returns:
            The JSON text; ``from_json(to_json())`` gives back an equal model.
        """
        return self.model_dump_json(indent=indent)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Return a copy; with ``update``, the copy is validated again.

        Unlike plain pydantic, ``update`` cannot create an invalid model: the changed values
        are checked (types, constraints and the model's invariants) as on construction.

        Args:
            update: field values to change.
            deep: make a deep copy (only meaningful without ``update``; models are immutable).

        Raises:
            InvalidDossierError: the updated values do not validate.
        """
        if not update:
            return super().model_copy(deep=deep)
        return self._evolve(**update)

    def _evolve(self, **changes: Any) -> Self:
        """Return a validated copy with ``changes`` applied (model validators run again)."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(changes)
        return type(self)(**data)


def _onestop_cause(exc: ValidationError) -> OneStopError | None:
    """Return a onestop error raised inside a validator and wrapped by pydantic, if any.

    pydantic wraps ``ValueError`` subclasses raised by validators; when the only problem is an
    :class:`~onestop.errors.InvalidDossierError` (e.g. an
    :class:`~onestop.errors.InvalidTransitionError` from a model validator), it is re-raised as
    is so that callers see the most specific class. Other errors (such as an
    ``InvalidIdentifierError`` from a field type) are wrapped, their masked message kept.
    """
    errors = exc.errors(include_url=False, include_input=False)
    if len(errors) != 1:
        return None
    ctx = errors[0].get("ctx") or {}
    err = ctx.get("error")
    if isinstance(err, InvalidDossierError):
        loc = _loc_to_str(tuple(errors[0]["loc"]))
        if loc and err.field and not err.field.startswith(loc):
            err.field = f"{loc}.{err.field}"
        elif loc and not err.field:
            err.field = loc
        return err
    return None
