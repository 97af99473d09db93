"""What changed in a PDF after a signature, and what the signature's permissions allow.

A PDF signature covers the document as it was when signed (its *revision*); later incremental
updates are outside it. Some of them are legitimate (more signatures, validation data, and,
when the signer allowed it, filled-in form fields or comments), others rewrite what the signer
approved. ISO 32000-1 §12.8.2.2 (DocMDP) lets a *certification* signature state which changes it
permits, ``/P``: 1 no changes, 2 form filling and signing, 3 also annotations; PDF 2.0 (ISO
32000-2 §12.7.5.5) lets any signature field's lock dictionary state the same ``/P``.

:func:`review_changes` compares each revision appended after a signature with the signed
revision through pyHanko's difference analysis (which clears signatures, validation data and
form filling), extended here with a rule that clears markup annotations (comments, highlights,
stamps, drawings: no widgets, links, multimedia, attachments or actions), so that ``P=3`` can be
honoured. It also names the form fields whose value or appearance differs from the signed
revision: pyHanko's own list holds every field a revision *could* have changed.

(Internal module of :mod:`onestop.signatures.pdf`; pyHanko is imported by the caller.)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import Any, Literal, TypeAlias

import attrs

__all__ = [
    "LEVELS",
    "ChangeReview",
    "FormField",
    "Level",
    "PermissionSource",
    "form_fields",
    "permission_of",
    "review_changes",
]

_log = logging.getLogger("onestop.signatures")

#: pyHanko's modification levels, in increasing order of what they let through.
Level: TypeAlias = Literal["none", "lta_updates", "form_filling", "annotations", "other"]
LEVELS: tuple[Level, ...] = ("none", "lta_updates", "form_filling", "annotations", "other")

#: Where a signature's modification permission comes from.
PermissionSource: TypeAlias = Literal["certification", "lock"]

#: Annotation types the annotation rule clears: comments and markup (ISO 32000-1 §12.5.6).
#: Widgets are form fields (pyHanko's form rules judge those); links, multimedia, file
#: attachments, watermarks and printer marks are left to the strict default (not cleared).
_MARKUP = frozenset(
    {
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Stamp",
        "/Caret",
        "/Ink",
        "/Popup",
    }
)
#: How deep :func:`_snapshot` follows a field's objects (a field's appearance is a few levels).
_MAX_DEPTH = 24


@attrs.frozen(slots=True)
class ChangeReview:
    """What the revisions appended after one signature do.

    Attributes:
        level: the highest modification level of those revisions (``none`` when the signature
            covers the whole file; ``other`` for anything beyond annotations).
        changed_fields: fully qualified names of the non-signature form fields whose value
            or appearance differs from the signed revision (sorted).
        unsigned_drawn: signature fields added or changed but left unsigned whose appearance
            draws something: content shown over the page that nobody signed (sorted).
        later_signatures: how many signature fields were added or signed after this
            signature.
        reason: why the analysis stopped at ``other`` (pyHanko's explanation), for logs.
    """

    level: Level
    changed_fields: tuple[str, ...] = ()
    unsigned_drawn: tuple[str, ...] = ()
    later_signatures: int = 0
    reason: str | None = None


def permission_of(emb: Any) -> tuple[int, PermissionSource] | None:
    """The DocMDP permission (``/P``: 1, 2 or 3) a signature sets, and where it is set.

    A certification signature carries it in its ``/Reference`` transform (ISO 32000-1
    §12.8.2.2); a PDF 2.0 signature field may carry it in its lock dictionary (ISO 32000-2
    §12.7.5.5). An unreadable value counts as the strictest, 1.
    """
    try:
        references = emb.sig_object.get("/Reference", ())
        for item in references:
            transform = item.get_object()
            if transform.get("/TransformMethod") == "/DocMDP":
                params = transform.get("/TransformParams")
                value = params.get("/P", 2) if params is not None else 2  # 2 is the default
                return _permission(value), "certification"
        lock = emb.sig_field.get("/Lock")
        if lock is not None and "/P" in lock.get_object():
            return _permission(lock.get_object()["/P"]), "lock"
    except (AttributeError, KeyError, TypeError, ValueError):
        return 1, "certification"
    return None


def _permission(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if number in (1, 2, 3) else 1


@functools.cache
def _policy() -> Any:
    """The default difference policy of pyHanko plus the markup annotation rule (stateless)."""
    from pyhanko.pdf_utils import generic, misc
    from pyhanko.pdf_utils.reader import RawPdfPath
    from pyhanko.sign.diff_analysis import (
        DEFAULT_DIFF_POLICY,
        ModificationLevel,
        QualifiedWhitelistRule,
        ReferenceUpdate,
        StandardDiffPolicy,
        SuspiciousModification,
    )
    from pyhanko.sign.diff_analysis.commons import compare_dicts
    from pyhanko.sign.diff_analysis.rules_api import RelativeContext

    class MarkupAnnotationRule(QualifiedWhitelistRule):
        """Clear markup annotations added to, changed on or removed from pages."""

        def apply_qualified(self, old: Any, new: Any) -> Iterator[tuple[Any, Any]]:
            written = new.explicit_refs_in_revision()
            if not written:
                return
            try:
                old_pages = list(_leaf_pages(old.root["/Pages"]))
                new_pages = list(_leaf_pages(new.root["/Pages"]))
            except (KeyError, TypeError, ValueError, misc.PdfError, RecursionError):
                return
            if old_pages != new_pages:
                return  # the page tree changed: not an annotation change
            level = ModificationLevel.ANNOTATIONS
            for page_ref in new_pages:
                try:
                    cleared = list(_page_changes(old, new, page_ref, written))
                except (SuspiciousModification, KeyError, TypeError, ValueError, misc.PdfError):
                    continue  # left unexplained: the review reports "other"
                for update in cleared:
                    yield level, update

    def _leaf_pages(node: Any, depth: int = 0) -> Iterator[Any]:
        if depth > _MAX_DEPTH:
            raise ValueError("page tree too deep")
        for kid in node["/Kids"]:
            if not isinstance(kid, generic.IndirectObject):
                raise ValueError("direct page object")
            obj = _resolve(kid)
            if obj.get("/Type") == "/Pages":
                yield from _leaf_pages(obj, depth + 1)
            else:
                yield kid.reference

    def _annots(page: Any) -> tuple[list[Any], Any]:
        value = page.raw_get("/Annots") if "/Annots" in page else generic.ArrayObject()
        ref = value.reference if isinstance(value, generic.IndirectObject) else None
        refs = []
        for item in value.get_object():
            if not isinstance(item, generic.IndirectObject):
                raise ValueError("direct annotation")
            refs.append(item.reference)
        return refs, ref

    def _is_markup(annotation: Any) -> bool:
        return (
            isinstance(annotation, generic.DictionaryObject)
            and annotation.get("/Subtype") in _MARKUP
            and "/A" not in annotation
            and "/AA" not in annotation
            and "/FT" not in annotation
        )

    def _page_changes(old: Any, new: Any, page_ref: Any, written: Any) -> Iterator[Any]:
        old_page, new_page = old(page_ref), new(page_ref)
        old_refs, old_annots_ref = _annots(old_page)
        new_refs, new_annots_ref = _annots(new_page)
        added = [r for r in new_refs if r not in old_refs]
        removed = [r for r in old_refs if r not in new_refs]
        changed = [r for r in new_refs if r in old_refs and r in written]
        page_written = page_ref in written
        annots_written = new_annots_ref is not None and new_annots_ref in written
        if not (added or removed or changed or page_written or annots_written):
            return
        if not (added or removed or changed):
            return  # the page was rewritten for another reason: not ours to explain
        for ref in added:
            if not _is_new(old, ref) or not _is_markup(new(ref)):
                raise SuspiciousModification(f"{ref} is not a new markup annotation")
        for ref in removed:
            if not _is_markup(old(ref)):
                raise SuspiciousModification(f"{ref} removed is not a markup annotation")
        for ref in changed:
            if not (_is_markup(old(ref)) and _is_markup(new(ref))):
                raise SuspiciousModification(f"{ref} changed is not a markup annotation")
        if page_written:
            compare_dicts(old_page, new_page, frozenset({"/Annots"}))
            yield ReferenceUpdate(page_ref)
        if annots_written:
            if new_annots_ref != old_annots_ref and not _is_new(old, new_annots_ref):
                raise SuspiciousModification("/Annots array moved onto an existing object")
            yield ReferenceUpdate(
                new_annots_ref,
                context_checked=RelativeContext(page_ref, RawPdfPath("/Annots")),
            )
        since = old.revision + 1
        for ref in (*added, *changed):
            yield ReferenceUpdate(ref)
            for dep in new.collect_dependencies(new(ref), since_revision=since):
                yield ReferenceUpdate(dep)

    return StandardDiffPolicy(
        global_rules=[*DEFAULT_DIFF_POLICY.global_rules, MarkupAnnotationRule()],
        form_rule=DEFAULT_DIFF_POLICY.form_rule,
    )


def _is_new(old: Any, ref: Any) -> bool:
    """Whether ``ref`` names an object number the revision ``old`` could not have assigned.

    An object added later must not reuse a number the signed revision had in scope. pyHanko
    0.37 renamed its answer from ``is_ref_available`` to ``is_ref_unassignable`` (same body:
    the number is at least the revision's ``/Size``) without keeping the old name; both are
    supported.
    """
    check = getattr(old, "is_ref_unassignable", None) or old.is_ref_available
    return bool(check(ref))


def _resolve(reference: Any) -> Any:
    """The object an indirect reference points to (pyHanko's method is not typed)."""
    return reference.get_object()


@attrs.frozen(slots=True)
class FormField:
    """A terminal field of a document's interactive form (``/AcroForm``).

    Attributes:
        is_signature: a signature field (``/FT /Sig``, possibly inherited).
        filled: it has a value (for a signature field: it is signed).
        obj: pyHanko's field dictionary.
    """

    is_signature: bool
    filled: bool
    obj: Any


def form_fields(handler: Any) -> dict[str, FormField]:
    """Every terminal form field of a document (reader, writer or revision), by full name.

    Raises:
        misc.PdfError, KeyError, TypeError...: what pyHanko raises on a malformed form.
    """
    fields: dict[str, FormField] = {}
    form = handler.root.get("/AcroForm")
    if form is None:
        return fields

    def walk(items: Any, prefix: str, inherited: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise ValueError("form field tree too deep")
        for item in items:
            field = _resolve(item)
            partial = field.get("/T")
            name = (
                prefix if partial is None else (f"{prefix}.{partial}" if prefix else str(partial))
            )
            kind = field.get("/FT", inherited)
            kids = field.get("/Kids")
            if kids is not None and any("/T" in _resolve(k) for k in kids):
                walk(kids, name, kind, depth + 1)
            elif partial is not None:
                fields[name] = FormField(kind == "/Sig", field.get("/V") is not None, field)

    walk(_resolve(form).get("/Fields", ()), "", None, 0)
    return fields


def _field_states(resolver: Any) -> dict[str, tuple[FormField, object]]:
    """Every terminal form field: full name -> (the field, a comparable snapshot)."""
    return {
        name: (field, _snapshot(field.obj, set(), 0))
        for name, field in form_fields(resolver).items()
    }


def _draws_something(field: Any) -> bool:
    """Whether a field (or one of its widgets) has an area and an appearance that draws.

    An empty signature field is a placeholder for a later signer; one whose appearance draws
    something can show anything over the page without anyone signing it.
    """
    from pyhanko.pdf_utils import generic

    widgets = [field, *(_resolve(k) for k in field.get("/Kids", ()))]
    for widget in widgets:
        try:
            x1, y1, x2, y2 = (float(v) for v in widget.get("/Rect", (0, 0, 0, 0)))
            normal = widget["/AP"]["/N"]
        except (KeyError, TypeError, ValueError):
            continue
        if abs(x2 - x1) * abs(y2 - y1) == 0:
            continue
        normal = _resolve(normal) if isinstance(normal, generic.IndirectObject) else normal
        looks = [normal] if isinstance(normal, generic.StreamObject) else list(normal.values())
        for look in looks:
            look = _resolve(look) if isinstance(look, generic.IndirectObject) else look
            if isinstance(look, generic.StreamObject) and look.data.strip():
                return True
    return False


def _snapshot(item: Any, seen: set[tuple[int, int]], depth: int) -> object:
    """A comparable copy of a field: its dictionary, widgets and appearance streams.

    References to the page (``/P``) and the parent field (``/Parent``) stay references (they
    identify, they do not show anything); everything else is followed.
    """
    from pyhanko.pdf_utils import generic

    if depth > _MAX_DEPTH:
        return ("too-deep",)
    obj: Any = item
    if isinstance(obj, generic.IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return ("ref", key)
        seen = seen | {key}
        obj = _resolve(obj)
    if isinstance(obj, generic.StreamObject):
        items = {k: _snapshot(obj.raw_get(k), seen, depth + 1) for k in obj}
        return ("stream", tuple(sorted(items.items())), obj.data)
    if isinstance(obj, generic.DictionaryObject):
        entries: list[tuple[str, object]] = []
        for key in obj:
            value = obj.raw_get(key)
            if key in ("/P", "/Parent") and isinstance(value, generic.IndirectObject):
                entries.append((key, ("ref", (value.idnum, value.generation))))
            else:
                entries.append((key, _snapshot(value, seen, depth + 1)))
        return ("dict", tuple(sorted(entries)))
    if isinstance(obj, generic.ArrayObject):
        return ("array", tuple(_snapshot(v, seen, depth + 1) for v in obj))
    return (type(obj).__name__, str(obj))


def review_changes(reader: Any, emb: Any, *, permission: int | None) -> ChangeReview:
    """Review the revisions appended after the signature ``emb`` (see the module docstring).

    Args:
        reader: pyHanko's reader of the whole document.
        emb: the embedded signature.
        permission: the DocMDP ``/P`` in force for this signature, if any (pyHanko forbids
            some updates after a certification signature that an approval allows).
    """
    from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
    from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

    total = reader.xrefs.total_revisions
    base_revision = emb.signed_revision
    if base_revision >= total - 1:
        return ChangeReview("none")
    try:
        field_lock = emb.fieldmdp
        lock = emb.sig_field.get("/Lock")
        if field_lock is None and lock is not None and "/Action" in lock.get_object():
            field_lock = FieldMDPSpec.from_pdf_object(lock.get_object())
    except Exception as exc:  # an unreadable lock: nothing after this signature is safe
        return ChangeReview("other", reason=f"unreadable field lock ({type(exc).__name__})")
    # pyHanko reads the DocMDP value only to forbid, after a certification, what only an
    # approval allows; P=2 and P=3 allow the same there, and P=3 would make it log a warning.
    doc_mdp = None if permission is None else MDPPerm(min(permission, 2))
    policy = _policy()
    # Each revision is compared with the last *signed* revision before it: unsigned updates
    # are always judged against what a signer saw. (Against this signature's revision only,
    # as pyHanko does, an annotation added after a later signature would be blamed on the
    # later signature's widget, which pyHanko's signature rule then refuses to share a page
    # with.) A change is allowed only when every step of it is.
    signed_revisions = {
        other.signed_revision
        for other in reader.embedded_signatures
        if other.signed_revision > base_revision
    }
    current = base_revision
    base = reader.get_historical_resolver(current)
    level = ModificationLevel.NONE
    for revision in range(base_revision + 1, total):
        new = reader.get_historical_resolver(revision)
        try:
            result = policy.apply(old=base, new=new, field_mdp_spec=field_lock, doc_mdp=doc_mdp)
        except SuspiciousModification as exc:
            _log.debug(
                "revision %d changes what signed revision %d shows",
                revision,
                current,
                exc_info=exc,
            )
            return ChangeReview("other", reason=str(exc)[:300])
        except Exception as exc:  # the analysis itself failed on odd structures: unsafe
            _log.debug("cannot analyse revision %d", revision, exc_info=exc)
            return ChangeReview("other", reason=f"revision {revision} cannot be analysed")
        level = max(level, result.modification_level)
        if revision in signed_revisions:
            current, base = revision, new
    try:
        signed = _field_states(reader.get_historical_resolver(base_revision))
        final = _field_states(reader.get_historical_resolver(total - 1))
    except Exception as exc:  # a form pyHanko's analysis accepted but the walk cannot read
        _log.debug("cannot compare the form fields", exc_info=exc)
        return ChangeReview("other", reason="the form fields cannot be compared")
    changed: list[str] = []
    drawn: list[str] = []
    later = 0
    for name, (field, state) in final.items():
        before = signed.get(name)
        if before is not None and before[1] == state:
            continue
        if not field.is_signature:
            changed.append(name)
        elif field.filled:
            later += 1
        elif _draws_something(field.obj):  # an unsigned "signature" drawn over the page
            drawn.append(name)
    return ChangeReview(
        LEVELS[int(level.value)], tuple(sorted(changed)), tuple(sorted(drawn)), later
    )
