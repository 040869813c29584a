"""``python -m mockloop`` and the frozen app's entry point (packaging/mockloop.spec)."""

import multiprocessing

# First, before anything else runs: in a frozen app the spawned ASR worker (and multiprocessing's
# resource tracker) start this same executable, and freeze_support() turns that start into the
# worker instead of a second CLI/GUI. Outside a frozen app it does nothing.
multiprocessing.freeze_support()

import sys  # noqa: E402

from mockloop.cli import main  # noqa: E402

sys.exit(main())
