"""The hub's file endpoints: edge backups in (signed), backups listed and downloaded (admin token), releases out."""
from __future__ import annotations

import logging

from flask import jsonify, request, send_file

from anjungan_core.regions import dotted_village_code

from . import backups, releases
from .api_blueprint import api, config, error, note_edge_version
from .clock import clock
from .models import Village
from .registry import admin_token_ok
from .releases import Release

log = logging.getLogger(__name__)


def _admin_ok() -> bool:
    auth = request.headers.get("Authorization", "")
    return auth.startswith("Bearer ") and admin_token_ok(auth[7:].strip())


def _village_or_none(code: str) -> Village | None:
    dotted = dotted_village_code(code)
    return Village.get_or_none(Village.code == dotted) if dotted else None


@api.post("/backups")
def upload_backup():
    """Store a village's encrypted backup once (streamed to disk); answer whether it was new."""
    cfg = config()
    length = request.content_length
    if length is not None and length > cfg.max_backup_bytes:
        return error(413, "too_large", f"backup over {cfg.max_backup_bytes} bytes")
    request.max_content_length = cfg.max_backup_bytes  # this endpoint only: the app-wide limit is for batches
    received = backups.receive(request.headers, request.stream, cfg.data_dir, clock().unix(), clock().utcnow(),
                               cfg.clock_window_seconds, cfg.max_backup_bytes, cfg.backups_keep)
    note_edge_version(request.headers.get("X-Anjungan-Village", ""))
    log.info("backup %s from %s: %s (%d bytes)", received.name, request.headers.get("X-Anjungan-Village", ""),
             "stored" if received.stored else "already held", received.size)
    return jsonify({"name": received.name, "size": received.size, "sha256": received.sha256,
                    "stored": received.stored}), 201 if received.stored else 200


@api.get("/villages/<code>/backups")
def list_backups(code: str):
    """A village's stored backups, newest first, with their age; `stale` when the newest is too old."""
    if not _admin_ok():
        return error(401, "bad_token", "Authorization: Bearer <admin token> required")
    village = _village_or_none(code)
    if village is None:
        return error(404, "unknown_village", "no such village")
    items = backups.listing(village.code, clock().utcnow())
    newest = backups.latest_by_village().get(village.code)
    return jsonify({"village": village.code, "backups": items, "latest": items[0] if items else None,
                    "stale": backups.is_stale(newest, clock().utcnow(), config().backup_stale_hours)})


@api.get("/villages/<code>/backups/<name>")
def download_backup(code: str, name: str):
    """One stored backup file, for a technician restoring a village (admin token)."""
    if not _admin_ok():
        return error(401, "bad_token", "Authorization: Bearer <admin token> required")
    village = _village_or_none(code)
    path = backups.backup_path(config().data_dir, village.code, name) if village else None
    if path is None:
        return error(404, "not_found", "no such backup")
    return send_file(path, mimetype="application/octet-stream", as_attachment=True, download_name=name)


@api.get("/releases/latest")
def latest_release():
    """The newest signed release: manifest, signature, tarball URL (public: devices check the signature)."""
    release = releases.latest()
    if release is None:
        return error(404, "no_release", "no release published")
    base = config().public_url or request.host_url
    return jsonify(releases.describe(release, base))


@api.get(f"/releases/<version>/{releases.TARBALL}")
def release_tarball(version: str):
    """A release tarball (Range requests work, so an interrupted download can resume)."""
    release = Release.get_or_none(Release.version == version) if releases.VERSION.match(version) else None
    path = releases.release_dir(config().data_dir, version) / releases.TARBALL if release else None
    if path is None or not path.exists():
        return error(404, "not_found", "no such release")
    return send_file(path, mimetype="application/gzip", conditional=True, etag=release.sha256)
