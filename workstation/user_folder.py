"""The local folder and keyring name of one user on one platform.

The login alone is not enough: with an external identity provider it is the provider's
``sub``, which may hold ``/`` or ``..`` (a path out of the data folder), and the same login
on two platforms would share one journal, so decisions still pending for one platform
would be sent to the other.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

log = logging.getLogger("workstation.user_folder")

_SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _is_plain_name(username: str) -> bool:
    return bool(_SAFE.fullmatch(username)) and username not in {".", ".."}


def user_key(platform_url: str, username: str) -> str:
    """A file-name-safe name for ``username`` on the platform at ``platform_url``: the
    login's safe characters (for people looking at the folder) and 16 hex digits of a
    SHA-256 over both (what keeps users and platforms apart)."""
    digest = hashlib.sha256(f"{platform_url.rstrip('/')}\0{username}".encode()).hexdigest()
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", username)[:32].strip("._") or "user"
    return f"{readable}-{digest[:16]}"


def user_folder(root: Path, platform_url: str, username: str) -> Path:
    """``root / user_key(...)``; an earlier version's folder named by the login alone
    (``root / username``) is moved there the first time, so the decisions it holds are
    kept (they were recorded on the platform she signs in to again, the only one the
    older versions knew). Raises OSError when the move fails."""
    folder = root / user_key(platform_url, username)
    if _is_plain_name(username):
        earlier = root / username
        if earlier.is_dir() and not folder.exists():
            earlier.rename(folder)
            log.info("moved the local data of an earlier version to its per-platform folder")
    return folder
