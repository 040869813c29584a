"""The one place background work runs (modelled on Anki's taskman).

Every slow call (model load, transcription, TTS, rescoring, export, store queries) goes through
:class:`TaskManager.run`. The work runs on a ``QThreadPool``; its result, error and progress
reach the caller's callbacks on the GUI thread through queued Qt signals, so views never touch
widgets from a worker thread and the GUI thread never blocks.

Two pools: ``serial`` (one thread) for the practice session, whose calls must not overlap, and
``general`` for everything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    # Emitted from the worker thread; AutoConnection queues delivery onto the GUI thread
    # because this object lives there.
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class Task:
    """A handle given to the work function: report progress, check for cancellation."""

    def __init__(self, relay: _Relay) -> None:
        self._relay = relay
        self.cancel_event = threading.Event()

    def report(self, value: Any) -> None:
        self._relay.progress.emit(value)

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Task], Any], task: Task, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._task = task
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn(self._task)
        except BaseException as e:  # every failure must reach the GUI, never kill a pool thread
            self._relay.failed.emit(e)
            return
        self._relay.done.emit(result)


class TaskManager(QObject):
    """Runs ``fn(task)`` off the GUI thread; ``busy_changed(n)`` tracks running tasks."""

    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.general = QThreadPool(self)
        self.general.setMaxThreadCount(4)
        self.serial = QThreadPool(self)
        self.serial.setMaxThreadCount(1)
        self._live: dict[int, tuple[_Relay, Task]] = {}
        self._next = 0
        self.errors: list[BaseException] = []  # unhandled errors, for tests and the log

    @property
    def busy(self) -> int:
        return len(self._live)

    def run(
        self,
        fn: Callable[[Task], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        serial: bool = False,
    ) -> Task:
        relay = _Relay(self)
        task = Task(relay)
        key = self._next
        self._next += 1
        self._live[key] = (relay, task)  # keep the relay alive until its signals are delivered

        def finish() -> None:
            self._live.pop(key, None)
            relay.deleteLater()
            self.busy_changed.emit(self.busy)

        def done(value: Any) -> None:
            try:
                if on_done is not None:
                    on_done(value)
            finally:
                finish()

        def failed(err: BaseException) -> None:
            try:
                if on_error is not None:
                    on_error(err)
                else:
                    self.errors.append(err)
            finally:
                finish()

        relay.done.connect(done)
        relay.failed.connect(failed)
        if on_progress is not None:
            relay.progress.connect(on_progress)
        self.busy_changed.emit(self.busy)
        (self.serial if serial else self.general).start(_Runnable(fn, task, relay))
        return task

    def wait_all(self, msecs: int = 30_000) -> bool:
        """Block until the pools are empty (shutdown and tests only, never in a handler)."""
        ok = self.serial.waitForDone(msecs)
        return self.general.waitForDone(msecs) and ok

    def shutdown(self, msecs: int = 20_000) -> None:
        for _relay, task in list(self._live.values()):
            task.cancel()
        self.wait_all(msecs)
