"""Village announcements written by staff: dates in the village's local calendar, an optional picture.

Rows are plain `Announcement`s (source "village"), so the board and the district sync read them as before:
`starts`/`ends` are naive UTC, an announcement shows while starts <= now < ends, and so disappears by itself.
District announcements (source "district") are written by the sync; staff cannot edit them here.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from anjungan_core.files import atomic_write

from ..db import write_transaction
from ..models import Announcement, AnnouncementImage
from . import images

AUDIENCES = ("kiosk", "board", "both")
MAX_TITLE = 120
MAX_BODY = 2000


@dataclass(frozen=True)
class AnnouncementInput:
    title: str
    body: str
    first_day: date | None
    last_day: date | None
    audience: str
    active: bool = True


def local_day_start(day: date, zone: ZoneInfo) -> datetime:
    """The naive UTC instant of local midnight at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def window(first_day: date | None, last_day: date | None, zone: ZoneInfo) -> tuple[datetime | None,
                                                                                    datetime | None]:
    """(starts, ends) in naive UTC for an announcement shown from `first_day` through `last_day` inclusive."""
    starts = local_day_start(first_day, zone) if first_day else None
    ends = local_day_start(last_day + timedelta(days=1), zone) if last_day else None
    return starts, ends


def local_days(a: Announcement, zone: ZoneInfo) -> tuple[date | None, date | None]:
    """The inclusive local dates an announcement runs (for the edit form)."""
    def local(value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=timezone.utc).astimezone(zone) if value else None

    starts, ends = local(a.starts), local(a.ends)
    return (starts.date() if starts else None,
            (ends - timedelta(microseconds=1)).date() if ends else None)


def save(data: AnnouncementInput, zone: ZoneInfo, announcement_id: int | None = None) -> Announcement:
    """Create or update a village announcement.

    :raises LookupError: `announcement_id` is not a village announcement.
    """
    starts, ends = window(data.first_day, data.last_day, zone)
    values = {"title": data.title[:MAX_TITLE], "body": data.body[:MAX_BODY], "starts": starts, "ends": ends,
              "audience": data.audience if data.audience in AUDIENCES else "both", "active": data.active}
    with write_transaction():
        if announcement_id is None:
            return Announcement.create(source="village", **values)
        row = village_announcement(announcement_id)
        Announcement.update(**values).where(Announcement.id == row.id).execute()
        return Announcement.get_by_id(row.id)


def village_announcement(announcement_id: int) -> Announcement:
    """:raises LookupError: no such announcement, or it came from the district."""
    row = Announcement.get_or_none((Announcement.id == announcement_id) & (Announcement.source == "village"))
    if row is None:
        raise LookupError(announcement_id)
    return row


def image_dir(data_dir: str | Path) -> Path:
    return images.info_dir(data_dir) / "announcements"


def attach_image(announcement: Announcement, data: bytes, data_dir: str | Path, now: datetime) -> AnnouncementImage:
    """Store a picture for an announcement (replacing any earlier one).

    :raises images.ImageError: not a picture.
    """
    jpeg, width, height = images.normalise(data)
    filename = f"a{announcement.id}-{secrets.token_hex(8)}.jpg"
    atomic_write(image_dir(data_dir) / filename, jpeg)
    old = AnnouncementImage.get_or_none(AnnouncementImage.announcement == announcement)
    with write_transaction():
        AnnouncementImage.delete().where(AnnouncementImage.announcement == announcement).execute()
        row = AnnouncementImage.create(announcement=announcement, filename=filename, width=width, height=height,
                                       uploaded_at=now)
    if old is not None:
        images.drop_copies(image_dir(data_dir) / old.filename)
    return row


def remove_image(announcement: Announcement, data_dir: str | Path) -> None:
    old = AnnouncementImage.get_or_none(AnnouncementImage.announcement == announcement)
    if old is None:
        return
    AnnouncementImage.delete().where(AnnouncementImage.id == old.id).execute()
    images.drop_copies(image_dir(data_dir) / old.filename)


def delete(announcement: Announcement, data_dir: str | Path) -> None:
    remove_image(announcement, data_dir)
    Announcement.delete().where(Announcement.id == announcement.id).execute()


def images_for(announcement_ids: list[int]) -> dict[int, AnnouncementImage]:
    """Pictures of several announcements in one query."""
    if not announcement_ids:
        return {}
    return {row.announcement_id: row for row in
            AnnouncementImage.select().where(AnnouncementImage.announcement.in_(announcement_ids))}


def state(a: Announcement, now: datetime) -> str:
    """'active', 'scheduled', 'expired' or 'hidden' (for the admin list)."""
    if not a.active:
        return "hidden"
    if a.ends is not None and a.ends <= now:
        return "expired"
    if a.starts is not None and a.starts > now:
        return "scheduled"
    return "active"
