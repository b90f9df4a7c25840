"""The hub's JSON API (CONTRACTS.md section 4): batches in, config out, summaries for the regency."""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import date

from flask import jsonify, make_response, request

from anjungan_core.regions import dotted_village_code

from .announcements import announcements_for
from .api_blueprint import api, config, error, note_edge_version
from .clock import clock
from .ingest import IngestError, authenticate, decompress, parse_batch, store_batch
from .models import Village
from .registry import admin_token_ok
from .stats import village_summary

log = logging.getLogger(__name__)


def _raw_body(limit: int) -> bytes:
    """The body as sent, refusing (413) anything longer than `limit` before reading it all.

    Read until the end: a chunked body arrives in pieces, and one `read()` may answer only the first of them.
    """
    length = request.content_length
    if length is not None and length > limit:
        raise IngestError(413, "too_large", f"body over {limit} bytes")
    stream, parts, size = request.stream, [], 0
    while size <= limit:
        part = stream.read(min(64 * 1024, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise IngestError(413, "too_large", f"body over {limit} bytes")
    return b"".join(parts)


@api.post("/sync/batches")
def sync_batches():
    """Store a village's signed batch of events; answer how far it is acknowledged."""
    cfg = config()
    raw = _raw_body(cfg.max_body_bytes)
    village = authenticate(request.headers, raw, clock().unix(), cfg.clock_window_seconds)
    body = decompress(raw, request.headers.get("Content-Encoding", ""), cfg.max_decompressed_bytes)
    events = parse_batch(body, village.code, cfg.max_events_per_batch)
    result = store_batch(village.code, events, clock().utcnow())
    note_edge_version(village.code)
    if result.conflict_seq is not None:
        log.warning("village %s: seq %d already stored under another event id", village.code, result.conflict_seq)
        return error(409, "seq_conflict", "a seq is already stored under another event id",
                      acked_through=result.acked_through, conflict_seq=result.conflict_seq,
                      stored=result.stored, duplicates=result.duplicates)
    return jsonify({"acked_through": result.acked_through, "stored": result.stored,
                    "duplicates": result.duplicates})


@api.get("/sync/config")
def sync_config():
    """The village's district configuration (announcements), with an ETag."""
    body = request.get_data(cache=False)
    village = authenticate(request.headers, body, clock().unix(), config().clock_window_seconds)
    Village.update(last_seen=clock().utcnow()).where(Village.code == village.code).execute()
    note_edge_version(village.code)
    items = announcements_for(village.code, clock().utcnow())
    digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match", "") == etag:
        response = make_response("", 304)
    else:
        response = jsonify({"version": digest, "announcements": items})
    response.headers["ETag"] = etag
    return response


@api.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 description of this API (district/openapi.json; Schemathesis fuzzes the hub against it)."""
    from pathlib import Path

    response = make_response((Path(__file__).parent / "openapi.json").read_bytes())
    response.headers["Content-Type"] = "application/json"
    return response


@api.get("/villages/<code>/summary")
def village_summary_api(code: str):
    """One village's counts for one business date (admin token)."""
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer ") or not admin_token_ok(auth[7:].strip()):
        return error(401, "bad_token", "Authorization: Bearer <admin token> required")
    dotted = dotted_village_code(code)
    village = Village.get_or_none(Village.code == dotted) if dotted else None
    if village is None:
        return error(404, "unknown_village", "no such village")
    try:
        day = date.fromisoformat(request.args["date"]) if request.args.get("date") else clock().business_date()
    except ValueError:
        return error(400, "bad_date", "date must be YYYY-MM-DD")
    return jsonify(village_summary(village, day))
