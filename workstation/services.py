"""What the UI calls: sign-in to a configured platform, and the signed-in connection."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import httpx

from workstation.auth import (
    RememberedSignIn,
    SecretStore,
    Session,
    discover,
    sign_in_in_browser,
)
from workstation.config import PlatformEntry
from workstation.dicomweb.bulk_get import BulkGet
from workstation.dicomweb.client import DicomWebClient
from workstation.dicomweb.parallel import retrieve_prioritised
from workstation.dicomweb.priority import SlicePriority
from workstation.http import PlatformError, check_same_origin, make_client
from workstation.imaging.cache import SeriesCache
from workstation.imaging.decode import DecodeError, DicomImage
from workstation.imaging.series_reader import SeriesReader
from workstation.model import ImagingStudyRef, SeriesRef, UserInfo
from workstation.records.platform import ResultsPlatform
from workstation.sources.study_decisions import DecisionAuthority

log = logging.getLogger("workstation.services")
PlatformFactory = Callable[[Session], ResultsPlatform]
"""Makes the platform implementation for a signed-in session (FHIR R4 by default, taking
the decisions on PACS and disc studies too: the platform she signs in to is her decision
authority)."""


@dataclass
class Connection:
    """A signed-in platform: session, records and image access."""

    entry: PlatformEntry
    client: httpx.Client
    session: Session
    platform: ResultsPlatform
    # the other platforms signed into beside this one (``federation``): a study's images
    # are fetched with the session of the platform whose origin serves them
    peers: tuple[Connection, ...] = ()
    # series streams (``DicomWebClient`` bulk); made with the platform's CA bundle
    bulk: BulkGet | None = None

    def __post_init__(self) -> None:
        if self.bulk is None:
            self.bulk = BulkGet(self.entry.ca_bundle)

    @property
    def user(self) -> UserInfo:
        """The signed-in user."""
        assert self.session.user is not None
        return self.session.user

    def dicomweb(self, base_url: str) -> DicomWebClient:
        """A DICOMweb client for ``base_url`` authorized with this session.

        Its requests raise PlatformError(FOREIGN_ORIGIN), before anything is sent, when
        ``base_url`` (an ImagingStudy's endpoint) is not on one of the platform's own
        origins: the platform's token never goes to another server. With ``peers``, the
        client of the peer whose origins serve ``base_url``."""
        for peer in self.peers:
            if _serves(peer.session, base_url):
                return peer.dicomweb(base_url)
        session = self.session

        def auth(force_refresh: bool) -> dict[str, str]:
            check_same_origin(base_url, session.endpoints.origins())
            return {"Authorization": f"Bearer {session.bearer(force_refresh=force_refresh)}"}

        return DicomWebClient(self.client, base_url, auth, bulk=self.bulk)

    def sign_out(self) -> None:
        """Revoke and forget the tokens, close connections."""
        try:
            self.session.sign_out()
        finally:
            self.client.close()


def _serves(session: Session, url: str) -> bool:
    try:
        check_same_origin(url, session.endpoints.origins())
    except PlatformError:
        return False
    return True


def peer_account(entry: PlatformEntry, home: PlatformEntry, home_user: str) -> str:
    """Under what a sign-in to ``entry`` made beside the home platform is remembered: for
    that home platform and user only (the next doctor at this computer never gets it)."""
    return f"{entry.base_url.rstrip('/')}#beside:{home.base_url.rstrip('/')}:{home_user}"


def _session(
    entry: PlatformEntry, secrets: SecretStore | None, remember_as: str | None = None
) -> Session:
    client = make_client(entry.ca_bundle)
    try:
        endpoints = discover(client, entry.base_url)
    except Exception:
        client.close()
        raise
    account = remember_as or entry.base_url
    remembered = RememberedSignIn(secrets, account) if secrets is not None else None
    return Session(client, endpoints, remembered)


def sign_in(
    entry: PlatformEntry,
    username: str,
    password: str,
    *,
    remember: bool,
    secrets: SecretStore | None,
    make_platform: PlatformFactory = DecisionAuthority,
    remember_as: str | None = None,
) -> Connection:
    """Sign in with user name and password (remembered under ``remember_as``, by default
    the platform's address). Raises PlatformError."""
    session = _session(entry, secrets, remember_as)
    try:
        session.sign_in_with_password(username, password, remember=remember and secrets is not None)
    except Exception:
        session.client.close()
        raise
    return Connection(entry, session.client, session, make_platform(session))


def sign_in_with_browser(
    entry: PlatformEntry,
    open_browser: Callable[[str], object],
    *,
    remember: bool,
    secrets: SecretStore | None,
    timeout_s: float = 300.0,
    make_platform: PlatformFactory = DecisionAuthority,
    cancelled: Callable[[], bool] | None = None,
    remember_as: str | None = None,
) -> Connection:
    """Sign in on the platform's own page (authorization code + PKCE, loopback redirect);
    once ``cancelled()`` is true it stops waiting for the browser. Raises PlatformError."""
    session = _session(entry, secrets, remember_as)
    try:
        sign_in_in_browser(
            session,
            open_browser,
            remember=remember and secrets is not None,
            timeout_s=timeout_s,
            cancelled=cancelled,
        )
    except Exception:
        session.client.close()
        raise
    return Connection(entry, session.client, session, make_platform(session))


def resume(
    entry: PlatformEntry,
    secrets: SecretStore | None,
    make_platform: PlatformFactory = DecisionAuthority,
    remember_as: str | None = None,
) -> Connection | None:
    """Sign in silently with a token remembered under ``remember_as`` (by default the
    platform's address); None if nothing usable is remembered."""
    if secrets is None:
        return None
    session = _session(entry, secrets, remember_as)
    try:
        user = session.resume()
    except Exception:
        session.client.close()
        raise
    if user is None:
        session.client.close()
        return None
    return Connection(entry, session.client, session, make_platform(session))


@dataclass(frozen=True)
class LoadedImage:
    """One decoded instance, or the reason it could not be decoded."""

    sop_instance_uid: str
    image: DicomImage | None
    error: str = ""


def load_series(
    dicomweb: DicomWebClient,
    study: ImagingStudyRef,
    series: SeriesRef,
    on_image: Callable[[LoadedImage], None],
    cancel: threading.Event | None = None,
    priority: SlicePriority | None = None,
) -> int:
    """Download and decode a series, handing each image over as soon as it is decoded
    (so the first image shows before the series is complete). Returns the count.

    Without ``priority``: one stream in the server's order, each instance decoded as it
    arrives (``_Decoding``). With it: instance by instance over a few connections, the slice
    she looks at first (``load_series_prioritised``). Raises PlatformError when the series
    cannot be fetched at all.
    """
    if priority is not None:
        return load_series_prioritised(dicomweb, study, series, priority, on_image, cancel)
    expected = [i.sop_instance_uid for i in series.instances]
    decoding = _Decoding(on_image)
    dicomweb.retrieve_series(study.study_uid, series.uid, decoding.take, expected, cancel)
    return decoding.count


class _Decoding:
    """A sink for the DICOMweb client that decodes each instance where it arrives (the
    download thread: a decoder thread beside it was slower, both holding the GIL by turns)
    and hands it over once (an instance that came twice is handed over once)."""

    def __init__(self, on_image: Callable[[LoadedImage], None]) -> None:
        self._on_image = on_image
        self._reader = SeriesReader()
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        """Instances decoded and handed over."""
        return len(self._seen)

    def take(self, part: BinaryIO) -> str:
        """Decode one instance and hand it over; its SOP UID ("" when it cannot be
        decoded: ``on_image`` then gets the reason)."""
        try:
            image = self._reader.read(part)
        except DecodeError as exc:
            self._on_image(LoadedImage("", None, str(exc)))
            return ""
        uid = image.sop_instance_uid
        with self._lock:
            fresh = uid not in self._seen
            self._seen.add(uid)
        if fresh:
            self._on_image(LoadedImage(uid, image))
        return uid


def series_priority(series: SeriesRef) -> SlicePriority:
    """A priority queue over ``series`` in instance number order (the display order as far
    as it is known before the pixels arrive), focused on its first slice."""
    ordered = sorted(series.instances, key=lambda i: i.number)
    return SlicePriority([i.sop_instance_uid for i in ordered])


def load_series_prioritised(
    dicomweb: DicomWebClient,
    study: ImagingStudyRef,
    series: SeriesRef,
    priority: SlicePriority,
    on_image: Callable[[LoadedImage], None],
    cancel: threading.Event | None = None,
) -> int:
    """The instances of ``series`` fetched in the order of ``priority`` (made for it),
    which follows her (``SlicePriority.focus``) while they arrive; each is decoded on the
    download thread that fetched it and handed over at once (``on_image`` is called from
    several threads, one at a time).
    Returns the count decoded. Raises PlatformError or Cancelled like ``load_series``."""
    decoding = _Decoding(on_image)
    retrieve_prioritised(dicomweb, study.study_uid, series.uid, priority, decoding.take, cancel)
    return decoding.count


def load_series_cached(
    dicomweb: DicomWebClient,
    study: ImagingStudyRef,
    series: SeriesRef,
    on_image: Callable[[LoadedImage], None],
    cancel: threading.Event | None,
    cache: SeriesCache,
    priority: SlicePriority | None = None,
) -> int:
    """``load_series`` through a bounded cache (``load_cached``). ``priority``: fetched in
    its order (see ``load_series``). Returns the count. Raises PlatformError like
    ``load_series``."""
    return load_cached(
        cache,
        study.study_uid,
        series,
        lambda keep: load_series(dicomweb, study, series, keep, cancel, priority),
        on_image,
        cancel,
    )


def load_cached(
    cache: SeriesCache,
    study_uid: str,
    series: SeriesRef,
    load_into: Callable[[Callable[[LoadedImage], None]], int],
    on_image: Callable[[LoadedImage], None],
    cancel: threading.Event | None,
) -> int:
    """A series from wherever ``load_into(on_image)`` reads it (a platform, a PACS, a disc)
    through a bounded cache: a series seen recently is handed over from memory without
    reading it again; a series read completely (every listed instance decoded) is kept.
    Returns the count handed over. Raises what ``load_into`` raises."""
    key = (study_uid, series.uid)
    cached = cache.get(key)
    if cached is not None:
        for image in cached:
            if cancel is not None and cancel.is_set():
                break
            on_image(LoadedImage(image.sop_instance_uid, image))
        return len(cached)
    images: list[DicomImage] = []
    failed = False

    def keep(loaded: LoadedImage) -> None:
        nonlocal failed
        if loaded.image is None:
            failed = True
        else:
            images.append(loaded.image)
        on_image(loaded)

    count = load_into(keep)
    complete = not failed and len(images) >= len(series.instances)
    if complete and not (cancel is not None and cancel.is_set()):
        cache.put(key, images)
    return count
