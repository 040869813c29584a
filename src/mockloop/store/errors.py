"""Typed errors and warnings raised by the session store."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class for every problem the store reports."""


class NotFoundError(StoreError, LookupError):
    """No session (or attempt) with that id."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"no {what} {ident}")
        self.what = what
        self.ident = ident


class CorruptStoreError(StoreError):
    """The database file is damaged or belongs to another program.

    Raised by ``Store.open(on_corrupt="raise")``; with the default ``on_corrupt="backup"`` the
    file is moved aside instead and a :class:`CorruptStoreWarning` is issued.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NewerSchemaError(StoreError):
    """The database was written by a newer mockloop (it has migrations this one does not know).

    Never moved aside: the data is fine, this program is just too old to read it.
    """


class CorruptStoreWarning(UserWarning):
    """A damaged or foreign database file was moved aside and a fresh store was created."""

    def __init__(self, path: Path, backup: Path, reason: str) -> None:
        super().__init__(
            f"session database {path} could not be used ({reason}); "
            f"moved it to {backup} and started a new one"
        )
        self.path = path
        self.backup = backup
        self.reason = reason
