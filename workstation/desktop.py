"""Before Qt starts: is there a display to show the window on, and can Qt's xcb platform
plugin load? Without this check Qt aborts with "could not connect to display" or "could not
load the Qt platform plugin xcb", and says nothing a user can act on."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable, Mapping

# What Qt's xcb platform plugin links beyond Qt itself (ldd of PySide6's libqxcb.so and
# libQt6XcbQpa.so.6), each with its Debian/Ubuntu package.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
}
WINDOWLESS = ("offscreen", "minimal", "vnc", "linuxfb", "eglfs")


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_problem(
    environ: Mapping[str, str],
    platform: str = sys.platform,
    loads: Callable[[str], bool] = _loads,
) -> str | None:
    """What stops the window from opening on this Linux machine, as a sentence with the way
    out; None when nothing does (or not Linux, or a windowless Qt platform is chosen)."""
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen in WINDOWLESS:
        return None
    x11 = bool(environ.get("DISPLAY"))
    wayland = bool(environ.get("WAYLAND_DISPLAY"))
    if (
        (chosen == "xcb" and not x11)
        or (chosen.startswith("wayland") and not wayland)
        or (not chosen and not x11 and not wayland)
    ):
        return (
            "No display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set). "
            "Start it from a desktop session, or under a virtual X server: "
            "xvfb-run -a make run (Debian package xvfb)."
        )
    if chosen == "xcb" or (not chosen and x11 and not wayland):
        missing = [soname for soname in XCB_LIBRARIES if not loads(soname)]
        if missing:
            packages = " ".join(dict.fromkeys(XCB_LIBRARIES[s] for s in missing))
            return (
                f"Qt's X11 (xcb) platform cannot load {', '.join(missing)}. Install them: "
                f"sudo apt-get install {packages} (make run does it: "
                "devtools/system_packages.sh run)."
            )
    return None
