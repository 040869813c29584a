"""The menu entry is valid by the freedesktop tools themselves, installed as a user would install
it (packaging/install_desktop_entry.sh), and the icon PNGs are the sizes the app loads."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP_ID = "io.github.mockloop.Mockloop"
DESKTOP = REPO / "packaging" / f"{APP_ID}.desktop"
METAINFO = REPO / "packaging" / f"{APP_ID}.metainfo.xml"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:  # not a skip: bootstrap.sh installs it, so missing means a broken setup
        pytest.fail(f"{name} is missing (Debian package {package}, see packaging/bootstrap.sh)")
    return path


def _run(*cmd: str) -> str:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    out = p.stdout + p.stderr
    assert p.returncode == 0, f"{' '.join(cmd)} failed:\n{out}"
    return out


def test_desktop_file_validates() -> None:
    # desktop-file-validate prints errors and hints; exit 0 with no output means clean.
    out = _run(_tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP))
    assert out.strip() == "", out


def test_metainfo_validates() -> None:
    out = _run(_tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO))
    assert "Validation was successful" in out, out


def test_installed_entry_validates_as_a_tree(tmp_path: Path) -> None:
    """Installed under usr/, AppStream finds the launchable .desktop file and the icons."""
    _run("bash", str(REPO / "packaging" / "install_desktop_entry.sh"), str(tmp_path / "usr"))
    share = tmp_path / "usr" / "share"
    for size in (64, 128, 256):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    out = _run(_tool("appstreamcli", "appstream"), "validate-tree", "--no-net", str(tmp_path))
    assert "Validation was successful" in out, out
    _run(
        _tool("desktop-file-validate", "desktop-file-utils"),
        str(share / "applications" / DESKTOP.name),
    )


def test_entry_and_metainfo_agree() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Icon"] == APP_ID
    assert section["Exec"].split()[0] == "mockloop"  # the console script / the bundle's binary
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == "mockloop"


def test_icon_pngs_have_their_sizes(qapp: object) -> None:
    from PySide6.QtGui import QImage

    from mockloop.desktop.app import ICON_SIZES, app_icon

    for size in ICON_SIZES:
        image = QImage(str(REPO / "assets" / "icon" / f"mockloop-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()  # rounded corners stay transparent
    assert sorted(s.width() for s in app_icon().availableSizes()) == sorted(ICON_SIZES)
