"""District announcements for this village, stored as Announcement rows (source "district")."""
from __future__ import annotations

from datetime import datetime, timezone

from ..db import write_transaction
from ..models import Announcement

SOURCE = "district"


def _naive_utc(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def apply_announcements(items: list) -> int:
    """Make the district's rows match `items` exactly (add, update, remove); returns how many there are now."""
    wanted: dict[str, dict] = {}
    for item in items:
        if isinstance(item, dict) and item.get("id") is not None and isinstance(item.get("title"), str):
            wanted[str(item["id"])] = item
    with write_transaction():
        existing = {a.external_id: a for a in Announcement.select().where(Announcement.source == SOURCE)}
        for external_id, row in existing.items():
            if external_id not in wanted:
                Announcement.delete().where(Announcement.id == row.id).execute()
        for external_id, item in wanted.items():
            values = {"title": item["title"][:250], "body": str(item.get("body") or ""),
                      "starts": _naive_utc(item.get("starts")), "ends": _naive_utc(item.get("ends")),
                      "audience": "both", "active": True}
            if external_id in existing:
                Announcement.update(**values).where(Announcement.id == existing[external_id].id).execute()
            else:
                Announcement.create(source=SOURCE, external_id=external_id, **values)
    return len(wanted)
