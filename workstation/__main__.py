"""Command line of the core: ``python -m workstation render IN.dcm OUT.png``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.cli_args import parse_window
from workstation.imaging.decode import DecodeError, load
from workstation.imaging.display import render_frame
from workstation.imaging.png import write_png


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input)."""
    parser = argparse.ArgumentParser(prog="python -m workstation")
    sub = parser.add_subparsers(dest="command", required=True)
    render = sub.add_parser("render", help="write what the viewer shows as an 8-bit PNG")
    render.add_argument("input", type=Path)
    render.add_argument("output", type=Path)
    render.add_argument("--frame", type=int, default=0, help="frame number, from 0")
    render.add_argument("--window", type=parse_window, default=None, metavar="CENTER,WIDTH")
    args = parser.parse_args(argv)
    try:
        image = load(args.input)
        pixels = render_frame(image, args.frame, args.window)
        write_png(args.output, pixels)
    except (DecodeError, IndexError, OSError) as exc:
        print(f"cannot render {args.input.name}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
