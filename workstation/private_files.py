"""Files that hold patient data are the user's alone: folders 0700, files 0600.

On POSIX the modes are set when a file or folder is created and corrected on start for those
an earlier version left readable by others. On Windows the per-user profile folders already
carry the user's own access list; ``chmod`` there only toggles read-only, so nothing is done.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
_POSIX = os.name == "posix"


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) 0700; an existing ``path`` is set to 0700.

    Missing parents are created 0700 too; parents that already exist are left as they are
    (they may be shared, e.g. ~/.local). Raises OSError when the folder cannot be created.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)  # the umask may narrow it, never widen
    if _POSIX:
        for folder in (path, *missing):
            os.chmod(folder, DIR_MODE)


def make_private(path: Path) -> None:
    """Set an existing file to 0600 (nothing when it does not exist)."""
    if _POSIX:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, FILE_MODE)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (so that a library that
    opens it later, SQLite for instance, never makes it world-readable); an existing file is
    set to 0600. Raises OSError."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
    os.close(fd)
    make_private(path)


def open_private_append(path: Path) -> int:
    """A descriptor appending to ``path``, created 0600 if missing. Raises OSError."""
    fd = os.open(
        path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE
    )
    make_private(path)
    return fd


def privatize_tree(root: Path) -> int:
    """Make ``root`` and every folder below it 0700 and every file 0600 (files written by
    earlier versions with the default 0644/0755). Symbolic links are not followed. Returns
    how many modes were changed; 0 on Windows or when ``root`` does not exist."""
    if not _POSIX or not root.is_dir():
        return 0
    changed = 0
    for directory, folders, files in os.walk(root):
        for name, mode in [(directory, DIR_MODE)] + [
            (os.path.join(directory, f), FILE_MODE) for f in files
        ]:
            info = os.lstat(name)
            if stat.S_ISLNK(info.st_mode):
                continue
            if stat.S_IMODE(info.st_mode) != mode:
                os.chmod(name, mode)
                changed += 1
        folders[:] = [f for f in folders if not os.path.islink(os.path.join(directory, f))]
    return changed
