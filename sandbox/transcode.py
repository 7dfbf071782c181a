"""WADO-RS transfer syntax negotiation (PS3.18 §8.7.3) and the transcoding behind it.

The client lists what it accepts in ``Accept``, e.g.::

    multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.80,
    multipart/related; type="application/dicom"; transfer-syntax=*; q=0.5

Each instance is sent in the most preferred syntax it can be produced in (each part's
``Content-Type`` names it): JPEG-LS lossless (CharLS) for instances stored uncompressed,
explicit/implicit VR little endian by decompression, and always the stored syntax itself
(``*``). When an instance can be produced in none of the accepted syntaxes the request is
refused with 406 before anything is sent.

JPEG-LS encodings are kept beside the data (``transcoded/``) once made, as an archive that
stores compressed copies would: the second request for a series costs no encoding.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from pydicom import dcmread
from pydicom.uid import UID, ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEGLSLossless

STORED = "*"  # the stored (original) syntax, whatever it is
BIG_ENDIAN = "1.2.840.10008.1.2.2"
UNCOMPRESSED_LE = (str(ExplicitVRLittleEndian), str(ImplicitVRLittleEndian))
JPEG_LS_LOSSLESS = str(JPEGLSLossless)
DICOM_TYPES = ("application/dicom", "application/*", "*/*")


def accepted_syntaxes(accept: str) -> list[str] | None:
    """The transfer syntaxes the ``Accept`` header asks for, most preferred first (``*``:
    the stored one); None when it accepts no DICOM instances at all (→ 406).

    No header, ``*/*``, ``multipart/*`` or a ``multipart/related`` range without a
    ``transfer-syntax`` parameter mean the stored syntax. Ranges with ``q=0`` are refused.
    """
    if not accept.strip():
        return [STORED]
    ranked: list[tuple[float, int, str]] = []
    for order, media_range in enumerate(accept.split(",")):
        fields = [f.strip() for f in media_range.split(";")]
        media_type = fields[0].lower()
        params: dict[str, str] = {}
        for field in fields[1:]:
            key, _, value = field.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 1.0
        if quality <= 0:
            continue
        if media_type in ("*/*", "multipart/*"):
            syntax = STORED
        elif media_type == "multipart/related" and params.get("type", "application/dicom") in (
            DICOM_TYPES
        ):
            syntax = params.get("transfer-syntax") or STORED
        else:
            continue
        ranked.append((-quality, order, syntax))
    if not ranked:
        return None
    out: list[str] = []
    for _, _, syntax in sorted(ranked):
        if syntax not in out:
            out.append(syntax)
    return out


def producible(stored: str, wanted: str) -> bool:
    """Whether an instance stored in ``stored`` can be sent in ``wanted`` (a UID or ``*``)."""
    if wanted in (STORED, stored):
        return True
    if stored == BIG_ENDIAN:
        return False  # pydicom cannot rewrite a big endian file as little endian
    if wanted in UNCOMPRESSED_LE:
        return True
    return wanted == JPEG_LS_LOSSLESS and stored in UNCOMPRESSED_LE


def choices(stored: str, accepted: list[str]) -> list[str]:
    """The syntaxes (UIDs, most preferred first) an instance stored in ``stored`` may be
    sent in; empty: none of ``accepted`` (→ 406)."""
    out: list[str] = []
    for wanted in accepted:
        syntax = stored if wanted == STORED else wanted
        if producible(stored, wanted) and syntax not in out:
            out.append(syntax)
    return out


def instance_bytes(path: Path, stored: str, syntax: str, cache_dir: Path, sop_uid: str) -> bytes:
    """The instance file at ``path`` (SOP Instance UID ``sop_uid``) in transfer syntax
    ``syntax`` (one of ``choices``); JPEG-LS encodings are kept under ``cache_dir``.

    Raises ValueError/RuntimeError/NotImplementedError when the encoder cannot take the
    pixel data (the caller tries the next choice)."""
    if syntax == stored:
        return path.read_bytes()
    if syntax == JPEG_LS_LOSSLESS:
        kept = cache_dir / "jpegls" / f"{sop_uid}.dcm"
        if kept.exists():
            return kept.read_bytes()
        data = _encode_jpeg_ls(path)
        _write_atomic(kept, data)
        return data
    ds = dcmread(path)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        ds.decompress(generate_instance_uid=False)  # the same instance, re-encoded
    out = io.BytesIO()
    implicit = syntax == str(ImplicitVRLittleEndian)
    ds.file_meta.TransferSyntaxUID = UID(syntax)
    ds.save_as(out, implicit_vr=implicit, little_endian=True, enforce_file_format=True)
    return out.getvalue()


def _encode_jpeg_ls(path: Path) -> bytes:
    ds = dcmread(path)
    ds.compress(JPEGLSLossless, encoding_plugin="pyjpegls", generate_instance_uid=False)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
