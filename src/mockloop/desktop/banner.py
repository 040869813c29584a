"""An in-window message strip for problems the user must act on (never a modal crash dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

# Warning colours are the one fixed pair besides the STAR parts: dark text on amber reads the
# same on light and dark themes. Tables marking something to work on use them too.
WARNING_BG = "#f6d58e"
WARNING_TEXT = "#2b2100"


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"#banner {{ background:{WARNING_BG}; border:1px solid #c99a2e; border-radius:4px; }}"
                           f"#banner QLabel {{ color:{WARNING_TEXT}; }}")  # fmt: skip
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Problem")
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    @property
    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()


def guidance(message: str) -> str:
    """Add what to do to a one-line service error, by its kind."""
    low = message.lower()
    if "model" in low:
        return f"{message}\nOpen Settings → Speech model to choose the embedded model or a folder."
    if "microphone" in low or "input device" in low or "device" in low:
        return f"{message}\nCheck the microphone in Settings → Input device (Test capture), then Retry."
    if "voice" in low:
        return f"{message}\nThe questions are shown as text instead."
    return message
