"""Start the results-recognition workstation.

python main.py                      # against the configured platforms
python main.py --with-sandbox       # start the development sandbox and use it
python main.py --with-sandbox --sandbox-region 510100 --sandbox-region 510700
                                    # … and two city platforms beside it, all configured
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from workstation.config import (
    SANDBOX_PLATFORM_NAME,
    PlatformEntry,
    Settings,
    SettingsError,
    SettingsStore,
    load_system_settings,
    system_settings_path,
)
from workstation.crash import faults_to_file, install_crash_hook
from workstation.desktop import display_problem
from workstation.logs import safe, setup_logging
from workstation.paths import AppPaths

log = logging.getLogger("main")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Results Recognition Workstation")
    parser.add_argument(
        "--with-sandbox",
        action="store_true",
        help="start the development sandbox platform and sign in against it",
    )
    parser.add_argument(
        "--sandbox-data",
        type=Path,
        default=None,
        help="sandbox data directory (default: the sandbox's own)",
    )
    parser.add_argument(
        "--sandbox-region",
        action="append",
        default=[],
        metavar="CODE",
        help="with --with-sandbox: also start this city's platform (510100, 510700; repeatable)",
    )
    parser.add_argument("--platform-url", default="", help="use this platform base URL")
    parser.add_argument("--language", choices=("zh_CN", "en"), default=None)
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="keep all program files below this folder (portable / tests)",
    )
    parser.add_argument(
        "--exit-when-shown",
        action="store_true",
        help="quit as soon as the sign-in window is shown (smoke test)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point: faulthandler and the crash hook first (before Qt, before any server),
    then logging and settings, then the platform, then the GUI."""
    install_crash_hook()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["render"]:  # the frozen program's command line: same as python -m workstation
        from workstation.__main__ import main as core_main

        return core_main(argv)
    args = parse_args(argv)
    problem = display_problem(os.environ)
    if problem is not None:  # before the sandbox starts and before Qt aborts
        print(problem, file=sys.stderr)
        return 2
    paths = AppPaths.under(args.root) if args.root else AppPaths.for_user()
    made_private = 0
    try:
        made_private = paths.ensure()
        log_file = setup_logging(paths.log_dir)
    except OSError as exc:
        # Read-only profile or full disk: run, but say so; nothing is written.
        print(
            f"Cannot write the program folders ({exc}); settings will not be saved.",
            file=sys.stderr,
        )
        import tempfile

        paths = AppPaths.under(Path(tempfile.mkdtemp(prefix="hr-workstation-")))
        paths.ensure()
        log_file = setup_logging(paths.log_dir)
    if made_private:
        log.info("%d files and folders of earlier runs made private (0600/0700)", made_private)
    try:
        faults_to_file(paths.log_dir)
    except OSError as exc:
        log.warning("native crash dumps stay on stderr: %s", exc)
    store = SettingsStore(paths.config_dir)
    try:
        system = load_system_settings(system_settings_path())
    except SettingsError as exc:
        log.error("deployment settings unusable, ignoring them: %s", safe(exc))
        system = Settings()
    try:
        settings = store.load_layered(system)
    except SettingsError as exc:
        log.error("settings unusable, starting with defaults: %s", safe(exc))
        settings = system
    sandbox = None
    cities: list[Any] = []
    if args.with_sandbox:
        try:
            from devtools.sandbox_launcher import start_sandbox
        except ModuleNotFoundError as exc:
            if exc.name != "devtools" and not str(exc.name).startswith("devtools."):
                raise
            # The frozen build and installed copies have no development tools.
            log.error("--with-sandbox: the devtools package is absent (not a checkout)")
            print(
                "--with-sandbox needs a checkout of the source: the development tools "
                "(devtools/) are not part of this build.",
                file=sys.stderr,
            )
            return 2

        print("Starting the sandbox platform (first start generates demo data, ~30 s)…")
        sandbox = start_sandbox(args.sandbox_data)
        settings = settings.with_platform(
            PlatformEntry(SANDBOX_PLATFORM_NAME, sandbox.base_url), make_default=True
        )
        from sandbox.generate.hospitals import region_by_code

        for code in args.sandbox_region:
            city = start_sandbox(args.sandbox_data, extra_args=("--region", code))
            cities.append(city)
            # named as she would know it: "Sandbox · 成都市 (510100)"
            label = f"{SANDBOX_PLATFORM_NAME} · {region_by_code(code).name_zh} ({code})"
            settings = settings.with_platform(PlatformEntry(label, city.base_url))
    if args.platform_url:
        settings = settings.with_platform(
            PlatformEntry("Command line", args.platform_url), make_default=True
        )
    if args.language:
        from dataclasses import replace

        settings = replace(settings, language=args.language)
    try:
        from ui.app import AppContext, run

        context = AppContext(paths, store, settings, log_file, args.exit_when_shown)
        return run(sys.argv[:1], context)
    finally:
        for city in cities:
            city.stop()
        if sandbox is not None:
            sandbox.stop()


if __name__ == "__main__":
    status = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is saved and the window is gone. Skip CPython's final garbage collection:
    # PySide6/pyqtgraph objects collected after QApplication can crash it (a bindings bug).
    os._exit(status)
