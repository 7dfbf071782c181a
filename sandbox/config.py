"""Settings of one sandbox server run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sandbox.login_guard import LoginLimits


@dataclass
class FaultSettings:
    """Failure injection, all off by default. Mutable so tests can change it at run time."""

    latency_ms: int = 0
    # The access link of each client address, shared by all its connections; 0: unlimited.
    bandwidth_mbit: float = 0.0
    error_rate: float = 0.0  # fraction of requests answered 503 (OperationOutcome)
    drop_rate: float = 0.0  # fraction of responses whose connection is cut mid-body
    truncate_multipart: bool = False  # WADO-RS bodies end in the middle of a part
    malformed_rate: float = 0.0  # fraction of answers that are cut-off JSON with status 200
    broken_next_links: bool = False  # Bundle "next" links point nowhere
    seed: int = 0

    def update(self, values: dict[str, object]) -> None:
        """Set the named knobs. Raises ValueError for unknown names or bad values."""
        for key, value in values.items():
            if key not in self.__dataclass_fields__:
                raise ValueError(f"unknown fault knob {key!r}")
            current = getattr(self, key)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false")
            elif isinstance(current, int | float) and not isinstance(value, int | float):
                raise ValueError(f"{key} must be a number")
            setattr(self, key, type(current)(value))


@dataclass
class ServerSettings:
    """How the sandbox serves: where its data lives and how long tokens live."""

    data_dir: Path
    base_url: str = "http://127.0.0.1:0"
    access_token_ttl_s: int = 600
    refresh_token_ttl_s: int = 7 * 24 * 3600
    control_key: str = ""  # secret for the /_sandbox control routes; empty = routes disabled
    faults: FaultSettings = field(default_factory=FaultSettings)
    refresh_reuse_grace_s: float = 30.0  # a spent refresh token may come back this long
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    hash_threads: int = 2  # password hashes computed at once
    external_issuer: str = ""  # trust this OpenID provider's access tokens instead of our own
    external_leeway_s: float = 300.0  # clock skew allowed on the external issuer's tokens

    @property
    def fhir_base(self) -> str:
        """The FHIR base URL (the audience external access tokens must name)."""
        return f"{self.base_url}/fhir"

    @property
    def db_path(self) -> Path:
        """The SQLite database file."""
        return self.data_dir / "sandbox.sqlite"

    @property
    def transcoded_dir(self) -> Path:
        """Where transcoded copies of instances are kept once made."""
        return self.data_dir / "transcoded"

    @property
    def dicom_dir(self) -> Path:
        """Where DICOM files live."""
        return self.data_dir / "dicom"
