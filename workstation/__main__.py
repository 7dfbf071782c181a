"""Command line of the core: ``python -m workstation render IN.dcm OUT.png`` and
``python -m workstation history --sources FILE --id-card ID``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from workstation.cli_args import parse_window
from workstation.imaging.decode import DecodeError, load
from workstation.imaging.display import render_frame
from workstation.imaging.png import write_png
from workstation.imaging.voi import Window


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input, 3 history: a source did
    not answer)."""
    parser = argparse.ArgumentParser(prog="python -m workstation")
    sub = parser.add_subparsers(dest="command", required=True)
    render = sub.add_parser("render", help="write what the viewer shows as an 8-bit PNG")
    render.add_argument("input", type=Path)
    render.add_argument("output", type=Path)
    render.add_argument("--frame", type=int, default=0, help="frame number, from 0")
    render.add_argument("--window", type=parse_window, default=None, metavar="CENTER,WIDTH")
    history = sub.add_parser(
        "history", help="print a patient's merged history from every source as JSON lines"
    )
    history.add_argument("--sources", type=Path, required=True, help="the sources file (JSON)")
    history.add_argument("--id-card", required=True, help="the patient's 身份证 number")
    args = parser.parse_args(argv)
    if args.command == "history":
        from workstation.sources.history import history_command

        return history_command(args.sources, args.id_card, sys.stdout, sys.stderr)
    try:
        _render(args.input, args.output, args.frame, args.window)
    except Exception as exc:  # every failure is one line naming the file, never a traceback
        print(f"cannot render {args.input.name}: {_reason(exc)}", file=sys.stderr)
        return 2
    return 0


def _render(source: Path, target: Path, frame: int, window: Window | None) -> None:
    """Decode ``source`` and write one frame as PNG. Raises DecodeError, IndexError (no
    such frame), OSError, MemoryError and, for a defect of ours, anything else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # decode logs what pydicom warns about
        image = load(source)
        if not 0 <= frame < image.frames:
            raise IndexError(f"there is no frame {frame} (frames are 0 to {image.frames - 1})")
        write_png(target, render_frame(image, frame, window))


def _reason(exc: BaseException) -> str:
    """The failure in one line of plain words."""
    if isinstance(exc, DecodeError | IndexError):
        text = str(exc)
    elif isinstance(exc, MemoryError):
        text = "there is not enough memory to render the image"
    elif isinstance(exc, OSError):
        text = f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc)
    else:
        text = f"unexpected error ({type(exc).__name__}: {exc})"
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:297] + "..."


if __name__ == "__main__":
    sys.exit(main())
