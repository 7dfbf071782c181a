"""Where the program keeps its files on this machine (per user, via platformdirs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from workstation.private_files import ensure_private_dir, privatize_tree

APP_NAME = "hr-workstation"
APP_AUTHOR = "hr-workstation"


@dataclass(frozen=True)
class AppPaths:
    """The directories the program writes to. Pass one in; never look them up globally."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @classmethod
    def for_user(cls) -> AppPaths:
        """The standard per-user locations of this operating system."""
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
        )

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """All directories below one root (tests, portable installs)."""
        return cls(
            config_dir=root / "config",
            data_dir=root / "data",
            log_dir=root / "log",
            cache_dir=root / "cache",
        )

    def ensure(self) -> int:
        """Create the directories 0700 and make everything already in them private (folders
        0700, files 0600: the journal, audit log and logs of earlier versions were 0644 in
        0755 folders). Returns how many modes were corrected. Raises OSError when the file
        system refuses."""
        changed = 0
        for path in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir):
            ensure_private_dir(path)
            changed += privatize_tree(path)
        return changed
