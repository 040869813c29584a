"""Render assets/icon/mockloop.svg to the PNG sizes the app and the menu entry use.

python scripts/render_icons.py        (rewrites assets/icon/mockloop-{64,128,256}.png)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from mockloop.desktop.app import ICON_SIZES

ICON_DIR = Path(__file__).resolve().parents[1] / "assets" / "icon"


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"cannot write {out}")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    svg = ICON_DIR / "mockloop.svg"
    for size in ICON_SIZES:
        out = ICON_DIR / f"mockloop-{size}.png"
        render(svg, size, out)
        print(out.relative_to(ICON_DIR.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
