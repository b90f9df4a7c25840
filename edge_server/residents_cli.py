"""`python -m edge_server residents import FILE --data-dir DIR`: an OpenSID export (XLSX, or CSV), all or nothing.

Every bad line is printed as `line N: why` (N counts the CSV file's lines or the XLSX sheet's rows, the header
is line 1) and nothing is imported (exit 1). Warnings (a birth date or sex that disagrees with the NIK) go to
stderr as `warning: line N: why` and do not stop the import. A progress bar goes to stderr when it is a
terminal.

`--full` treats the file as the whole population: residents missing from it are marked inactive. The CLI says
how many first and asks; `--yes` skips the question, and without a terminal to ask on it refuses (exit 2).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

EXIT_OK, EXIT_BAD_ROWS, EXIT_USAGE, EXIT_DECLINED = 0, 1, 2, 3
MAX_WARNINGS_SHOWN = 50


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
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE

    from flask_babel import gettext

    from . import create_app
    from .residents import full_import, importer

    app = create_app(cfg)
    clock = app.extensions["clock"]
    with app.test_request_context():
        parsed = importer.parse_residents(data, clock.business_date(), progress=Progress("memeriksa"))
        _print_warnings(parsed.warnings, gettext)
        if parsed.errors:
            for error in parsed.errors:
                print(error.text(gettext))
            print(f"{len(parsed.errors)} bad line(s); nothing imported", file=sys.stderr)
            return EXIT_BAD_ROWS
        full = bool(getattr(args, "full", False))
        if full:
            refusal = _confirm_full(full_import.plan_for(parsed.rows), len(parsed.rows), bool(args.yes))
            if refusal is not None:
                return refusal
        report = full_import.apply(parsed.rows, clock.utcnow(), full=full, progress=Progress("menyimpan"))
        from .models import AuditLog

        AuditLog.create(at=clock.utcnow(), actor="cli", action="resident.import_full" if full else "resident.import",
                        target=path.name[:100], detail=report.audit_detail())
    if full:
        print(f"imported {len(parsed.rows)} residents (full): {report.summary()}")
    else:
        print(f"imported {len(parsed.rows)} residents: {report.added} new, {report.updated} updated"
              + (f", {report.not_alive} inactive by status_dasar" if report.not_alive else ""))
    return EXIT_OK


def _print_warnings(warnings: list, gettext) -> None:
    for warning in warnings[:MAX_WARNINGS_SHOWN]:
        print(f"warning: {warning.text(gettext)}", file=sys.stderr)
    if len(warnings) > MAX_WARNINGS_SHOWN:
        print(f"warning: {len(warnings) - MAX_WARNINGS_SHOWN} more warning(s) not shown", file=sys.stderr)


def _confirm_full(plan, rows: int, yes: bool, stdin=None) -> int | None:
    """Say what --full will deactivate and ask; None to go on, or the exit code to stop with."""
    stdin = stdin or sys.stdin
    print(f"--full: the file lists {rows} residents; {len(plan.deactivate)} active residents are not in it and "
          f"will be marked inactive (moved or died); {len(plan.reactivate)} inactive ones become active again"
          + (f"; {plan.kept_temporary} with a temporary NIK are left as they are" if plan.kept_temporary else ""))
    if not plan.deactivate or yes:
        return None
    if not stdin.isatty():
        print("error: --full would deactivate residents and there is no terminal to confirm on; "
              "run it again with --yes to go ahead (nothing imported)", file=sys.stderr)
        return EXIT_USAGE
    answer = input(f"Deactivate {len(plan.deactivate)} residents and import? [y/N] ")
    if answer.strip().lower() not in ("y", "ya", "yes"):
        print("cancelled; nothing imported", file=sys.stderr)
        return EXIT_DECLINED
    return None
