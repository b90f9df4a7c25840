"""Announcements from the regency to all or chosen villages."""
from __future__ import annotations

from datetime import datetime

from .db import write_transaction
from .models import Announcement, AnnouncementTarget
from .stats import iso


def create_announcement(title: str, body: str, starts: datetime | None, ends: datetime | None,
                        villages: list[str] | None, now: datetime, by: str) -> Announcement:
    """Publish an announcement; `villages` None means every village."""
    with write_transaction():
        item = Announcement.create(title=title.strip()[:200], body=body.strip(), starts=starts, ends=ends,
                                   all_villages=villages is None, created_at=now, created_by=by)
        for code in villages or []:
            AnnouncementTarget.create(announcement=item, village=code)
    return item


def delete_announcement(announcement_id: int, now: datetime) -> bool:
    with write_transaction():
        return bool(Announcement.update(deleted_at=now).where(
            (Announcement.id == announcement_id) & Announcement.deleted_at.is_null()).execute())


def current_announcements() -> list[Announcement]:
    return list(Announcement.select().where(Announcement.deleted_at.is_null()).order_by(Announcement.id.desc()))


def targets_of(announcement: Announcement) -> list[str]:
    return [t.village_code for t in AnnouncementTarget.select().where(AnnouncementTarget.announcement == announcement)]


def announcements_for(village_code: str, now: datetime) -> list[dict]:
    """What one village should show now and later: not deleted, not ended, for all or for it."""
    targeted = AnnouncementTarget.select(AnnouncementTarget.announcement).where(
        AnnouncementTarget.village == village_code)
    rows = (Announcement.select()
            .where(Announcement.deleted_at.is_null()
                   & (Announcement.ends.is_null() | (Announcement.ends > now))
                   & (Announcement.all_villages | Announcement.id.in_(targeted)))
            .order_by(Announcement.id))
    return [{"id": str(a.id), "title": a.title, "body": a.body, "starts": iso(a.starts), "ends": iso(a.ends)}
            for a in rows]
