"""A real Orthanc server for interoperability tests: DICOMweb plugin, optional DICOM port.

`running_orthanc(root)` starts Orthanc on free loopback ports with its storage, index,
configuration and log under ``root`` and stops it on exit. It fails (never skips) when
Orthanc or its DICOMweb plugin is not installed (Debian packages ``orthanc`` and
``orthanc-dicomweb``).
"""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ORTHANC_BINARY = "/usr/sbin/Orthanc"
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
ORTHANC_USER = "hr"
ORTHANC_AET = "ORTHANC"
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Orthanc:
    """A running Orthanc server: REST root, its one user's credentials, its DICOM port."""

    url: str
    user: str
    password: str
    dicom_port: int
    aet: str = ORTHANC_AET

    @property
    def dicomweb_url(self) -> str:
        """Root of the DICOMweb plugin's services."""
        return f"{self.url}/dicom-web"

    @property
    def headers(self) -> dict[str, str]:
        """HTTP basic authorization for its REST and DICOMweb APIs."""
        return basic_auth(self.user, self.password)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def basic_auth(user: str, password: str) -> dict[str, str]:
    """An HTTP basic Authorization header."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def orthanc_binary() -> str:
    """Path of the Orthanc server; fails the test when it or the DICOMweb plugin is missing."""
    binary = shutil.which("Orthanc") or ORTHANC_BINARY
    if not Path(binary).is_file():
        pytest.fail(
            f"Orthanc server binary not found ({ORTHANC_BINARY}); "
            "install the Debian package 'orthanc' to run the interop tests"
        )
    if not DICOMWEB_PLUGIN.is_file():
        pytest.fail(
            f"Orthanc DICOMweb plugin not found ({DICOMWEB_PLUGIN}); "
            "install the Debian package 'orthanc-dicomweb' to run the interop tests"
        )
    return binary


def _log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _wait_until_up(
    process: subprocess.Popen[bytes], url: str, headers: dict[str, str], log_path: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    last = "no answer"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"Orthanc exited with code {process.returncode} during start-up:\n"
                    + _log_tail(log_path)
                )
            try:
                response = client.get(f"{url}/system", headers=headers)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            time.sleep(0.1)
    pytest.fail(
        f"Orthanc did not answer GET /system within {START_TIMEOUT_S:.0f} s ({last}):\n"
        + _log_tail(log_path)
    )


@contextmanager
def running_orthanc(
    root: Path,
    *,
    dicom_server: bool = False,
    modalities: Mapping[str, tuple[str, str, int]] | None = None,
    extra: Mapping[str, object] | None = None,
) -> Iterator[Orthanc]:
    """Start Orthanc under ``root``; yield it; stop it.

    ``dicom_server`` opens its DICOM port (AE title ``ORTHANC``, any calling AE accepted,
    loopback only). ``modalities`` names the peers it may send to (C-MOVE destinations):
    ``{name: (aet, host, port)}``. ``extra`` adds or overrides configuration keys.
    """
    binary = orthanc_binary()
    password = secrets.token_urlsafe(16)
    http_port = free_port()
    dicom_port = free_port()
    config: dict[str, object] = {
        "Name": "hr-interop",
        "StorageDirectory": str(root / "storage"),
        "IndexDirectory": str(root / "index"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": ORTHANC_AET,
        "DicomServerEnabled": dicom_server,
        "DicomCheckCalledAet": True,
        "DicomAlwaysAllowEcho": True,
        "DicomAlwaysAllowStore": True,
        "DicomAlwaysAllowFind": True,
        "DicomAlwaysAllowGet": True,
        "DicomAlwaysAllowMove": True,
        "DicomModalities": {name: list(peer) for name, peer in (modalities or {}).items()},
        "RemoteAccessAllowed": False,  # only this machine may connect
        "AuthenticationEnabled": True,
        "RegisteredUsers": {ORTHANC_USER: password},
        "HttpServerEnabled": True,
        "SslEnabled": False,
        "Plugins": [str(DICOMWEB_PLUGIN)],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
        **(extra or {}),
    }
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / "orthanc.json"
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    log_path = root / "orthanc.log"
    url = f"http://127.0.0.1:{http_port}"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [binary, str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=root,
        )
    try:
        _wait_until_up(process, url, basic_auth(ORTHANC_USER, password), log_path)
        yield Orthanc(url, ORTHANC_USER, password, dicom_port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
