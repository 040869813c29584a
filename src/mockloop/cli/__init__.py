"""The ``mockloop`` command. Each area registers its subcommands from its own module.

Every subcommand returns an exit code; user errors are :class:`UserError` and become one line on
stderr with exit 2 (never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from mockloop import __version__
from mockloop.cli.common import UserError
from mockloop.store.errors import StoreError

# Modules that add subcommands: each has ``register(subparsers) -> None`` and sets
# ``func=handler`` on its parsers, handler(args) -> int.
_AREAS = (
    "mockloop.cli.analyze_cmd",
    "mockloop.cli.content_cmd",
    "mockloop.cli.learn_cmd",
    "mockloop.cli.speech_cmd",
    "mockloop.cli.sessions_cmd",
    "mockloop.cli.gui_cmd",
    "mockloop.cli.quiz_cmd",
    "mockloop.cli.stories_cmd",
    "mockloop.cli.doctor_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="mockloop",
        description="Rehearse spoken answers to Amazon Leadership Principle questions.",
    )
    parser.add_argument("--version", action="version", version=f"mockloop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _AREAS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue  # area not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return handler(args)
    except UserError as e:
        print(f"mockloop: {e}", file=sys.stderr)
        return e.exit_code
    except StoreError as e:  # the data folder's database cannot be used, whichever command met it
        print(f"mockloop: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mockloop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
