"""SQLite files of the connectors (the outbox, the payment ledger): private, locks, one place.

Both files hold personal data (dossiers, payers), so they are owner-only from the moment they
exist (:func:`restrict_files`); a lock held by another process is told apart from any other
failure (:func:`is_locked`).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

__all__ = ["SIDE_SUFFIXES", "is_locked", "restrict_files"]

#: Files SQLite keeps beside the database: the write-ahead log, its index, a rollback journal.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def restrict_files(path: str, *, what: str) -> None:
    """Make a database file owner-only before SQLite opens it, and its side files no wider.

    The file holds personal data, and so do the write-ahead log and its index. SQLite creates
    ``-wal``, ``-shm`` and ``-journal`` with the permissions of the database file, so the
    database file is created here with mode 0600 (``O_CREAT``, no process-wide umask change)
    before SQLite ever opens it. An existing empty file (created by a deployment tool or
    ``touch``) is a new database and is tightened to 0600 too; an existing one keeps the mode
    its owner gave it. Side files left wider than the database (by an older onestop, or a
    crash) are narrowed to the database's mode.

    Args:
        path: the database file.
        what: what the file is, for the log (``"outbox"``, ``"payment ledger"``).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    mode = info.st_mode & 0o777
    if info.st_size == 0 and mode != 0o600:
        os.chmod(path, 0o600)
        mode = 0o600
    for suffix in SIDE_SUFFIXES:
        side = path + suffix
        try:
            side_mode = os.lstat(side).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(side_mode) or not side_mode & 0o777 & ~mode:
            continue
        try:
            os.chmod(side, side_mode & mode & 0o777)
        except PermissionError:
            logging.getLogger(f"onestop.connectors.{what.replace(' ', '_')}").warning(
                "%s: cannot narrow the permissions of %s to those of the %s file "
                "(not its owner); check them",
                what,
                side,
                what,
            )


def is_locked(exc: BaseException) -> bool:
    """Whether an SQLite error means that another connection holds a lock."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(exc)
