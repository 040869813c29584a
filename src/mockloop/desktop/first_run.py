"""The one-screen first-run explanation: what is stored where; nothing leaves the machine."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from mockloop import paths


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to mockloop")
        home = html.escape(str(paths.home()))
        text = QLabel(
            "<h2>Practise spoken answers, privately</h2>"
            "<p>mockloop reads a question aloud, records your answer, transcribes it <b>on this computer</b> "
            "and shows how your story splits into Situation, Task, Action, Result and Reflection.</p>"
            "<p><b>Nothing leaves this machine.</b> There is no account, no upload and no network use: "
            "speech recognition and the voice run locally.</p>"
            f"<p>Stored in <code>{home}</code>:</p><ul>"
            "<li><code>mockloop.db</code> — your sessions: transcripts, reports, scores</li>"
            "<li><code>audio/</code> — the recordings (turn off <i>Keep the recordings</i> in Settings to "
            "delete them after transcription)</li>"
            "<li><code>settings.json</code> — your choices in Settings</li></ul>"
            "<p>Delete a session in History, or the whole folder, at any time.</p>"
        )
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start practising")
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addWidget(buttons)
        self.resize(560, 420)
