#!/usr/bin/env bash
# Install mockloop's menu entry: the .desktop file, the AppStream metainfo and the icons.
#   bash packaging/install_desktop_entry.sh [PREFIX]     (default PREFIX: ~/.local)
# The entry runs `mockloop gui`, so `mockloop` must be on PATH (e.g. a link in ~/.local/bin to
# the bundle's ./mockloop, or a pipx install).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-$HOME/.local}"
id=io.github.mockloop.Mockloop
share="$prefix/share"

install -Dm644 "packaging/$id.desktop" "$share/applications/$id.desktop"
install -Dm644 "packaging/$id.metainfo.xml" "$share/metainfo/$id.metainfo.xml"
install -Dm644 assets/icon/mockloop.svg "$share/icons/hicolor/scalable/apps/$id.svg"
for size in 64 128 256; do
  install -Dm644 "assets/icon/mockloop-$size.png" "$share/icons/hicolor/${size}x${size}/apps/$id.png"
done
# Refresh the menu and icon caches where the tools exist (desktops also notice on their own).
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "installed the mockloop menu entry under $share"
