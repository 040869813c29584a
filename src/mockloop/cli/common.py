"""Helpers shared by the CLI modules."""

from __future__ import annotations

import json
import sys
from typing import Any


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2 unless told otherwise."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()
