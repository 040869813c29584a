"""First run: one screen on what is stored where, shown until settings.first_run_done is set."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from mockloop import paths
from mockloop import settings as settings_mod
from mockloop.desktop.app import maybe_first_run
from mockloop.desktop.first_run import FirstRunDialog


def test_first_run_dialog_is_shown_once_and_sets_the_flag(qtbot: Any, monkeypatch: Any) -> None:
    settings_mod.save(settings_mod.Settings(first_run_done=False, default_level="senior"))
    seen: list[str] = []

    def accept_it() -> None:  # the dialog is modal: read and accept it from the event loop
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, FirstRunDialog)
        seen.append(" ".join(lbl.text() for lbl in dlg.findChildren(QLabel)))
        dlg.findChild(QDialogButtonBox).buttons()[0].click()

    QTimer.singleShot(50, accept_it)
    maybe_first_run(None)
    assert len(seen) == 1
    text = seen[0]
    assert "Nothing leaves this machine" in text and str(paths.home()) in text
    for stored in ("mockloop.db", "audio/", "settings.json"):
        assert stored in text
    s = settings_mod.load()
    assert s.first_run_done is True and s.default_level == "senior"  # other settings kept

    # Not shown again.
    monkeypatch.setattr(FirstRunDialog, "exec", lambda self: (_ for _ in ()).throw(AssertionError("shown twice")))
    maybe_first_run(None)


def test_first_run_dialog_button(qtbot: Any) -> None:
    dlg = FirstRunDialog()
    qtbot.addWidget(dlg)
    (btn,) = dlg.findChild(QDialogButtonBox).buttons()
    assert btn.text() == "Start practising"
    with qtbot.waitSignal(dlg.accepted, timeout=1_000):
        btn.click()
