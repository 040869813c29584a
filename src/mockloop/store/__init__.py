"""The session store: every practice session kept, replayable and rescorable (sqlite-utils).

No Qt, audio-device or ASR imports here: the store is used by the CLI, the app and tests alike.
"""

from mockloop.store.db import DB_NAME, Store
from mockloop.store.errors import (
    CorruptStoreError,
    CorruptStoreWarning,
    NewerSchemaError,
    NotFoundError,
    StoreError,
)
from mockloop.store.migrations import SCHEMA_VERSION
from mockloop.store.records import (
    AnalysisRecord,
    AttemptHandle,
    AttemptRecord,
    SessionFilter,
    SessionRecord,
    SessionSummary,
    TranscriptionRecord,
)

__all__ = [
    "DB_NAME",
    "SCHEMA_VERSION",
    "AnalysisRecord",
    "AttemptHandle",
    "AttemptRecord",
    "CorruptStoreError",
    "CorruptStoreWarning",
    "NewerSchemaError",
    "NotFoundError",
    "SessionFilter",
    "SessionRecord",
    "SessionSummary",
    "Store",
    "StoreError",
    "TranscriptionRecord",
]
