#!/usr/bin/env bash
# The Debian/Ubuntu packages `make run` and `make test` need beyond Python, checked and
# installed when missing (apt-get update, then apt-get install; with sudo when not root).
# When they cannot be installed from here (no root, sudo would ask without a terminal), it
# stops at once and prints the one command to run.
#   devtools/system_packages.sh run|test|bench       check, install what is missing
#   devtools/system_packages.sh --list run|test|bench print the packages, one per line
# HR_SKIP_SYSTEM_PACKAGES=1 skips the check (another distribution, packages named otherwise).
set -euo pipefail

# Qt's xcb platform plugin and the libraries Qt itself loads (ldd of PySide6's
# plugins/platforms/libqxcb.so, mapped with dpkg -S), CUPS for Qt's print support (printing
# the summary), plus venv and make.
RUN_PACKAGES=(
    make python3-venv
    libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
    libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxcb1
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxcb-glx0 libdrm2
    libwayland-client0 libwayland-cursor0 libwayland-egl1
    libcups2
)
# DCMTK (pixel reference), Orthanc + DICOMweb (interop), a CJK font (PDF and screenshots),
# Xvfb and xauth (tests and the frozen build's smoke test on a real X server), xdotool and
# ImageMagick's import (the smoke test types the sign-in and takes a screenshot there);
# binutils (PyInstaller's objdump, the smoke test's readelf) for `make dist`; dicom3tools
# (dciodvfy: the saved SR, KOS and GSPS are checked against the IODs); Node.js for the
# peer tests' OpenID provider (devtools/oidc_provider.sh installs it with npm); curl (the
# retrieval bench's raw-download reference).
TEST_PACKAGES=(dcmtk orthanc orthanc-dicomweb fonts-noto-cjk xvfb xauth xdotool imagemagick binutils
    dicom3tools nodejs curl)
# `make bench` also: GDCM's gdcmconv, the JPEG 2000 decoding reference (bench only, never
# shipped; GDCM is BSD-licensed).
BENCH_PACKAGES=(libgdcm-tools)
# Debian ships npm apart from nodejs (NodeSource's nodejs bundles it).
if ! command -v npm >/dev/null 2>&1; then TEST_PACKAGES+=(npm); fi

# PyInstaller (make dist) needs Python's shared library: Debian ships it apart from python3.
python="$(command -v "${PYTHON:-python3}" || true)"
if [ -n "$python" ] && dpkg -S "$(readlink -f "$python")" >/dev/null 2>&1; then
    TEST_PACKAGES+=("$("$python" -c 'import sys; print("libpython%d.%d" % sys.version_info[:2])')")
fi

list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
case "${1:-}" in
    run) wanted=("${RUN_PACKAGES[@]}") ;;
    test) wanted=("${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
    bench) wanted=("${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;
    *) echo "usage: $0 [--list] run|test|bench" >&2; exit 2 ;;
esac
if [ "$list" = 1 ]; then printf '%s\n' "${wanted[@]}"; exit 0; fi
if [ -n "${HR_SKIP_SYSTEM_PACKAGES:-}" ]; then
    echo "system packages: not checked (HR_SKIP_SYSTEM_PACKAGES is set)"
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system packages: not a Debian-based system; install the equivalents of:" >&2
    echo "  ${wanted[*]}" >&2
    exit 1
fi
missing=()
for package in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
    [ "$status" = "installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" = 0 ]; then
    echo "system packages for make $1: all ${#wanted[@]} installed"
    exit 0
fi
command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
    sudo="sudo"
else
    echo "Missing Debian packages for make $1: ${missing[*]}" >&2
    echo "Run, then repeat make $1:" >&2
    echo "  sudo sh -c '$command'" >&2
    exit 1
fi
echo "Installing the Debian packages make $1 needs: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
