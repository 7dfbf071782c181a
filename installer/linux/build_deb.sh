#!/usr/bin/env bash
# Package the PyInstaller one-folder build (dist/hr-workstation) as a .deb for Debian-based
# desktops (UOS, Kylin, Debian, Ubuntu). Usage: installer/linux/build_deb.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION="${1:?version}"
ARCH="$(dpkg --print-architecture)"
ROOT="build/deb/hr-workstation_${VERSION}_${ARCH}"
rm -rf "$ROOT"
install -d "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
    "$ROOT/usr/share/icons/hicolor/256x256/apps" "$ROOT/usr/share/doc/hr-workstation"
cp -a dist/hr-workstation "$ROOT/opt/hr-workstation"
cat > "$ROOT/usr/bin/workstation" <<'SH'
#!/bin/sh
exec /opt/hr-workstation/workstation "$@"
SH
chmod 755 "$ROOT/usr/bin/workstation"
install -m 644 installer/linux/hr-workstation.desktop "$ROOT/usr/share/applications/"
install -m 644 resources/icons/hr-workstation.png "$ROOT/usr/share/icons/hicolor/256x256/apps/"
install -m 644 installer/settings.example.json "$ROOT/usr/share/doc/hr-workstation/"
install -m 644 build/THIRD-PARTY-NOTICES.txt "$ROOT/usr/share/doc/hr-workstation/"  # make notices
SIZE="$(du -sk "$ROOT" | cut -f1)"
# What the frozen program loads from the system: what PyInstaller does not bundle (C library,
# OpenGL/EGL, DRM, libxcb, Wayland) and Qt's xcb platform libraries, declared even where the
# build bundles a copy. installer/smoke_test.py checks every bundled library's needs
# (readelf/ldd, dpkg -S) against this list.
DEPENDS="libc6, libstdc++6, libgcc-s1, zlib1g, libgl1, libegl1, libdrm2, libfontconfig1, libfreetype6"
DEPENDS+=", libglib2.0-0t64 | libglib2.0-0, libdbus-1-3, libxkbcommon0, libxkbcommon-x11-0"
DEPENDS+=", libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-glx0, libxcb-icccm4"
DEPENDS+=", libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0"
DEPENDS+=", libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1"
DEPENDS+=", libwayland-client0, libwayland-cursor0, libwayland-egl1"
DEPENDS+=", libcups2t64 | libcups2"  # Qt's print support plugin (printing the summary)
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: hr-workstation
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: HR Workstation team <it@hr-workstation.invalid>
Installed-Size: ${SIZE}
Depends: ${DEPENDS}
Section: science
Priority: optional
Description: Results recognition workstation (检查检验结果互认工作站)
 Review a patient's examination and laboratory results from every hospital,
 read the images, and record whether each result is recognized or repeated.
 Deployment settings: /etc/xdg/hr-workstation/settings.json
 (example in /usr/share/doc/hr-workstation).
CONTROL
# gzip: dpkg-deb unpacks it everywhere (xz took minutes for 300 MB; zstd needs dpkg 1.21)
dpkg-deb -Zgzip --build --root-owner-group "$ROOT" "dist/hr-workstation_${VERSION}_${ARCH}.deb" >/dev/null
echo "dist/hr-workstation_${VERSION}_${ARCH}.deb"
