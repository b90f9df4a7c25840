"""Data retention (UU PDP): after the village's retention period, tickets forget which resident took them."""
from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta

from .clock import Clock
from .db import write_transaction
from .models import AuditLog, Ticket, VillageProfile

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    village = VillageProfile.select().first()
    settings = json.loads(village.settings or "{}") if village else {}
    days = settings.get("retention_days", DEFAULT_RETENTION_DAYS)
    return days if isinstance(days, int) and days > 0 else DEFAULT_RETENTION_DAYS


def erase_old_ticket_links(clock: Clock) -> int:
    """Unlink residents from tickets older than the retention period; returns how many were unlinked."""
    cutoff = clock.business_date() - timedelta(days=retention_days())
    with write_transaction():
        count = (Ticket.update(resident_id=None)
                 .where((Ticket.business_date < cutoff) & (Ticket.resident_id.is_null(False))).execute())
        if count:
            AuditLog.create(at=clock.utcnow(), actor="system", action="retention.erase_ticket_links",
                            detail=f"{count} tickets before {cutoff.isoformat()}")
    if count:
        log.info("retention: unlinked residents from %d tickets older than %s", count, cutoff)
    return count


def start_retention_job(app, interval_seconds: float = 6 * 3600) -> threading.Thread:
    """Run the retention job now and then every few hours, in a daemon thread of `serve`."""
    from .db import database

    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                database.connect(reuse_if_open=True)
                erase_old_ticket_links(app.extensions["clock"])
            except Exception:  # noqa: BLE001  (a failed run must not kill the job; it retries next time)
                log.exception("retention job failed; will retry")
            finally:
                if not database.is_closed():
                    database.close()
            stop.wait(interval_seconds)

    thread = threading.Thread(target=loop, name="retention", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
