"""Warnings that point at the caller's line, however deep inside onestop they are raised.

A :class:`~onestop.errors.ProvisionalCalendarWarning` is raised deep in the calendar (a policy
calls the calendar, a dossier clock calls the policy...). A fixed ``stacklevel`` points at the
right line for one call path only; :func:`warn_caller` walks up the stack past every frame of
the onestop package and attributes the warning to the first frame outside it: the user's code
(or a test), whatever the path. On Python 3.12+ this is what
``warnings.warn(..., skip_file_prefixes=...)`` does; the walk gives the same answer on 3.11.

An operation that warns once for everything it did (a counting policy computing a deadline)
is registered with :func:`warns_for_its_calls`: warnings that the calendar would raise while
it runs are then left to it, so the caller sees one warning per deadline, not one per
calendar call. The check costs nothing unless a warning is about to be raised.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from types import CodeType, FrameType
from typing import TypeVar

__all__ = ["warn_caller", "warns_for_its_calls"]

F = TypeVar("F", bound=Callable[..., object])

#: Frames whose file starts with this prefix belong to onestop and are skipped.
_PACKAGE_PREFIX = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
#: Code of the functions registered with :func:`warns_for_its_calls`.
_OWNERS: set[CodeType] = set()


def warns_for_its_calls(func: F) -> F:
    """Register ``func`` as warning, itself, for the calendar calls it makes.

    While ``func`` runs, ``warn_caller(..., defer=True)`` raised below it stays silent.
    """
    _OWNERS.add(func.__code__)
    return func


def _inside_onestop(frame: FrameType) -> bool:
    """Whether ``frame`` runs onestop's code.

    That is a module of the package, or a method attrs generated for one of its classes
    (file name ``<attrs generated methods onestop....>``).
    """
    filename = frame.f_code.co_filename
    if filename.startswith(_PACKAGE_PREFIX):
        return True
    name = frame.f_globals.get("__name__")
    return filename.startswith("<") and isinstance(name, str) and name.startswith("onestop.")


def warn_caller(message: str, category: type[Warning], *, defer: bool = False) -> None:
    """Emit ``message`` as ``category``, attributed to the first caller outside onestop.

    Args:
        message: the warning text.
        category: the warning class (a :class:`~onestop.errors.OneStopWarning`).
        defer: stay silent when called below a function registered with
            :func:`warns_for_its_calls` (it warns for the whole operation).
    """
    # stacklevel 1 is this function's own frame (the one calling warnings.warn), 2 its caller...
    frame: FrameType | None = sys._getframe(0)
    level = 1
    while frame is not None and _inside_onestop(frame):
        if defer and frame.f_code in _OWNERS:
            return
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
