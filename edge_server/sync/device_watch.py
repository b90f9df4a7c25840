"""Kiosks that stopped sending heartbeats become a `device.status` event (online: false), once."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..db import write_transaction
from ..devices import DEVICE_OFFLINE_SECONDS, device_status_data, village_business_date
from ..models import Device, OutboxEvent
from .outbox import record_event


def _last_reported_online(device_id: int) -> bool | None:
    rows = (OutboxEvent.select(OutboxEvent.data).where(OutboxEvent.type == "device.status")
            .order_by(OutboxEvent.seq.desc()).limit(200))
    for row in rows:
        data = json.loads(row.data)
        if data.get("device_id") == device_id:
            return bool(data.get("online"))
    return None


def report_offline_devices(now: datetime) -> int:
    """Record one `device.status` event for each kiosk that went quiet; returns how many."""
    cutoff = now - timedelta(seconds=DEVICE_OFFLINE_SECONDS)
    quiet = list(Device.select().where(Device.revoked_at.is_null() & Device.last_seen.is_null(False)
                                       & (Device.last_seen < cutoff)))
    reported = 0
    for device in quiet:
        if _last_reported_online(device.id) is not True:
            continue  # already reported offline (or never online): no write lock needed
        with write_transaction():
            if _last_reported_online(device.id) is not True:
                continue
            data = device_status_data(device, json.loads(device.printer or "{}"),
                                      json.loads(device.scanner or "{}"), online=False)
            record_event("device.status", village_business_date(now), data, now)
            reported += 1
    return reported
