"""Command line: ``python -m sandbox serve|generate|disc``."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

import platformdirs

from sandbox.config import FaultSettings, ServerSettings
from sandbox.login_guard import LoginLimits

log = logging.getLogger("sandbox")


def default_data_dir() -> Path:
    """The sandbox's data directory in the user data dir."""
    return Path(platformdirs.user_data_dir("hr-sandbox", "hr-workstation"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the platform on loopback (default)")
    serve.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    serve.add_argument("--data-dir", type=Path, default=None)
    serve.add_argument("--token-ttl", type=int, default=600, help="access token lifetime, s")
    serve.add_argument("--control-key", default="", help="enables /_sandbox control routes")
    serve.add_argument("--latency-ms", type=int, default=0)
    serve.add_argument(
        "--bandwidth-mbit",
        type=float,
        default=0.0,
        help="link rate per client address, shared by its connections; 0: unlimited",
    )
    serve.add_argument("--error-rate", type=float, default=0.0)
    serve.add_argument("--drop-rate", type=float, default=0.0)
    serve.add_argument("--truncate-multipart", action="store_true")
    serve.add_argument("--malformed-rate", type=float, default=0.0)
    serve.add_argument("--broken-next-links", action="store_true")
    serve.add_argument("--seed", type=int, default=20261101, help="demo data seed")
    serve.add_argument("--tls-cert", type=Path, default=None, help="serve https with this PEM")
    serve.add_argument("--tls-key", type=Path, default=None, help="private key of --tls-cert")
    serve.add_argument("--small", action="store_true", help="small demo data (tests)")
    serve.add_argument(
        "--region",
        default="",
        metavar="CODE",
        help="serve one city's platform only (510100 成都, 510700 绵阳): its hospitals' results",
    )
    serve.add_argument(
        "--refresh-grace", type=float, default=30.0, help="refresh token reuse grace, s"
    )
    serve.add_argument(
        "--lockout", type=float, default=60.0, help="first sign-in lockout after failures, s"
    )
    serve.add_argument("--login-failures-per-user", type=int, default=5)
    serve.add_argument("--login-failures-per-address", type=int, default=30)
    serve.add_argument(
        "--external-issuer",
        default="",
        help="trust this OpenID provider's JWT access tokens (audience: this server's /fhir)",
    )
    serve.add_argument(
        "--external-leeway", type=float, default=300.0, help="clock skew allowed on them, s"
    )
    serve.add_argument(
        "--parent-pid", type=int, default=0, help="stop when this process (the parent) ends"
    )
    gen = sub.add_parser("generate", help="(re)generate the demo data and exit")
    gen.add_argument("--data-dir", type=Path, default=None)
    gen.add_argument("--seed", type=int, default=20261101)
    gen.add_argument("--small", action="store_true", help="small demo data (tests)")
    gen.add_argument(
        "--chronic-reports",
        type=int,
        default=0,
        help="add patient p9001 with this many lab reports over six years (e.g. 10000)",
    )
    disc = sub.add_parser("disc", help="write a demo patient's disc (DICOMDIR) and exit")
    disc.add_argument("out_dir", type=Path, help="an empty or new folder")
    disc.add_argument("--patient", required=True, help="FHIR id (p0001) or 身份证 number")
    disc.add_argument("--data-dir", type=Path, default=None)
    disc.add_argument("--seed", type=int, default=20261101, help="demo data seed")
    disc.add_argument("--small", action="store_true", help="small demo data (tests)")
    return parser


def write_demo_disc(args: argparse.Namespace) -> int:
    """Write the disc; 0 when written, 2 for an unknown patient or a non-empty folder."""
    from sandbox.disc import UnknownPatient, patient_tags, write_disc

    data_dir = args.data_dir or default_data_dir()
    _ensure_data(data_dir, args.seed, args.small)
    try:
        count = write_disc(args.out_dir, patient_tags(data_dir, args.patient))
    except UnknownPatient:
        print("no demo patient has that id or 身份证 number", file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"wrote {count} images and a DICOMDIR to {args.out_dir}")
    return 0


def _ensure_data(data_dir: Path, seed: int, small: bool) -> None:
    from sandbox.generate.dataset import generate, is_generated

    if not is_generated(data_dir):
        log.info("generating demo data in %s (first start)", data_dir)
        generate(data_dir, seed=seed, small=small)


def serve(args: argparse.Namespace) -> int:
    """Bind to loopback, print the base URL, serve until interrupted."""
    import uvicorn

    from sandbox.app import create_app

    if args.parent_pid:
        from sandbox.lifeline import bind_to_parent

        bind_to_parent(args.parent_pid)
    data_dir = args.data_dir or default_data_dir()
    _ensure_data(data_dir, args.seed, args.small)
    # IPPROTO_TCP given explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets
    # that say they are TCP, and without it every keep-alive answer waited ~40 ms for the
    # client's delayed ACK between its header and body writes.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    scheme = "https" if args.tls_cert else "http"
    base_url = f"{scheme}://127.0.0.1:{port}"
    settings = ServerSettings(
        data_dir=data_dir,
        base_url=base_url,
        access_token_ttl_s=args.token_ttl,
        control_key=args.control_key,
        refresh_reuse_grace_s=args.refresh_grace,
        external_issuer=args.external_issuer,
        external_leeway_s=args.external_leeway,
        login_limits=LoginLimits(
            failures_per_user=args.login_failures_per_user,
            failures_per_address=args.login_failures_per_address,
            lockout_s=args.lockout,
        ),
        faults=FaultSettings(
            latency_ms=args.latency_ms,
            bandwidth_mbit=args.bandwidth_mbit,
            error_rate=args.error_rate,
            drop_rate=args.drop_rate,
            truncate_multipart=args.truncate_multipart,
            malformed_rate=args.malformed_rate,
            broken_next_links=args.broken_next_links,
        ),
    )
    store = None
    if args.region:
        from sandbox.regions import region_db
        from sandbox.store import Store

        try:
            store = Store(region_db(data_dir, args.region))
        except KeyError:
            print(f"no hospitals in region {args.region}", file=sys.stderr)
            return 2
    app = create_app(settings, store)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
        ssl_keyfile=str(args.tls_key) if args.tls_key else None,
    )
    server = uvicorn.Server(config)
    print(f"HR sandbox listening on {base_url}", flush=True)
    server.run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.command in (None, "serve"):
        if args.command is None:
            args = _parser().parse_args(["serve", *(argv or sys.argv[1:])])
        return serve(args)
    if args.command == "disc":
        return write_demo_disc(args)
    from sandbox.generate.dataset import generate

    generate(
        args.data_dir or default_data_dir(),
        seed=args.seed,
        small=args.small,
        chronic_reports=args.chronic_reports,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
