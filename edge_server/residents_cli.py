"""`python -m edge_server residents import FILE --data-dir DIR`: an OpenSID CSV export, all or nothing.

Every bad line is printed as `line N: why` (N counts the file's lines, the header is line 1) and nothing is
imported (exit 1). A progress bar goes to stderr when it is a terminal.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

EXIT_OK, EXIT_BAD_ROWS, EXIT_USAGE = 0, 1, 2


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal and the job is large."""

    def __init__(self, label: str, stream=None, min_total: int = 2000):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.min_total = min_total
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.min_total:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def run(args, cfg) -> int:
    """Import residents from `args.file` into the edge database of `cfg`."""
    if getattr(args, "full", False):
        print("error: --full (deactivate residents missing from the file) is not supported yet", file=sys.stderr)
        return EXIT_USAGE
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE

    from flask_babel import gettext

    from . import create_app
    from .residents import importer, service

    app = create_app(cfg)
    clock = app.extensions["clock"]
    with app.test_request_context():
        parsed = importer.parse_residents(data, clock.business_date(), progress=Progress("memeriksa"))
        if parsed.errors:
            for error in parsed.errors:
                print(error.text(gettext))
            print(f"{len(parsed.errors)} bad line(s); nothing imported", file=sys.stderr)
            return EXIT_BAD_ROWS
        created, updated = service.import_rows(parsed.rows, clock.utcnow(), progress=Progress("menyimpan"))
        from .models import AuditLog

        AuditLog.create(at=clock.utcnow(), actor="cli", action="resident.import", target=path.name[:100],
                        detail=f"created={created} updated={updated}")
    print(f"imported {len(parsed.rows)} residents: {created} new, {updated} updated")
    return EXIT_OK
