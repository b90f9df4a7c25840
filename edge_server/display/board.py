"""What the board shows, read from the database: calls as events, the current call per counter, announcements."""
from __future__ import annotations

from datetime import UTC, datetime, time

from peewee import fn

from anjungan_core.calendar_words import zone_label

from ..clock import Clock, to_iso
from ..models import Announcement, CallEvent, Counter, VillageProfile
from .words import call_sentence

RECENT_CALLS = 10
BACKLOG_LIMIT = 100  # a board back from a long outage gets at most this many missed calls


def audio_url(ticket_id: str) -> str:
    return f"/display/calls/{ticket_id}/audio.wav"


def spoken_text(event: CallEvent) -> str:
    """The sentence stored with the call (older rows without one get it made from the number)."""
    if event.spoken_text:
        return event.spoken_text
    prefix, _sep, digits = event.number.partition("-")
    return call_sentence(prefix, int(digits or 0), event.counter_number)


def event_json(event: CallEvent) -> dict:
    """One call as the board's event stream and state carry it."""
    return {
        "id": event.id,
        "ticket_id": event.ticket_id,
        "number": event.number,
        "counter": event.counter_number,
        "kind": event.kind,
        "at": to_iso(event.at),
        "text": spoken_text(event),
        "audio_url": audio_url(event.ticket_id),
    }


def last_event_id() -> int:
    return CallEvent.select(fn.MAX(CallEvent.id)).scalar() or 0


def events_after(last_id: int, limit: int = 50) -> list[dict]:
    """Calls with an id above `last_id`, oldest first."""
    rows = CallEvent.select().where(CallEvent.id > last_id).order_by(CallEvent.id).limit(limit)
    return [event_json(e) for e in rows]


def resume_point(asked: int | None, newest: int) -> int:
    """Where a stream starts: after the id the board last saw (bounded), or at the newest call for a new board."""
    if asked is None or asked < 0 or asked > newest:  # a bigger id than ours: the database was replaced
        return newest
    return max(asked, newest - BACKLOG_LIMIT)


def day_start_utc(clock: Clock) -> datetime:
    """The village's local midnight today, as the naive UTC the database stores."""
    local_midnight = datetime.combine(clock.business_date(), time(0), tzinfo=clock.zone)
    return local_midnight.astimezone(UTC).replace(tzinfo=None)


def announcements_now(clock: Clock) -> list[dict]:
    """Active announcements meant for the board, in the order they were made."""
    now = clock.utcnow()
    rows = (Announcement.select()
            .where(Announcement.active
                   & Announcement.audience.in_(["board", "both"])
                   & (Announcement.starts.is_null() | (Announcement.starts <= now))
                   & (Announcement.ends.is_null() | (Announcement.ends > now)))
            .order_by(Announcement.id))
    return [{"id": a.id, "title": a.title, "body": a.body} for a in rows]


def village_name(fallback: str = "") -> str:
    profile = VillageProfile.select().first()
    return profile.name if profile else fallback


def board_state(clock: Clock) -> dict:
    """The whole board at once (page load, reconnect): counters with today's latest call, the last calls."""
    since = day_start_utc(clock)
    today = CallEvent.at >= since
    latest_ids = [row[0] for row in CallEvent.select(fn.MAX(CallEvent.id)).where(today)
                  .group_by(CallEvent.counter_number).tuples()]
    latest = {e.counter_number: event_json(e) for e in CallEvent.select().where(CallEvent.id.in_(latest_ids))}
    counters = [{"number": c.number, "name": c.name, "current": latest.pop(c.number, None)}
                for c in Counter.select().order_by(Counter.number)]
    recent = [event_json(e) for e in CallEvent.select().where(today).order_by(CallEvent.id.desc())
              .limit(RECENT_CALLS)]
    return {
        "counters": counters,
        "recent": recent,
        "last_event_id": last_event_id(),
        "announcements": announcements_now(clock),
        "server_time": clock.now().isoformat(timespec="seconds"),
        "timezone": clock.zone.key,
        "zone_name": zone_label(clock.local()),
    }
