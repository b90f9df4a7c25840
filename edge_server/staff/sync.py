"""Admin page /staff/sync: where sync to the district stands, and a "sync now" button."""
from __future__ import annotations

import threading

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from ..clock import to_iso
from ..sync import store
from .auth import audit, login_required
from .blueprint import staff


def init_app(app) -> None:
    from . import register_nav

    register_nav(app, "staff.sync_status", lazy_gettext("Sinkronisasi"), admin=True)


def _local(naive_utc) -> str | None:
    if naive_utc is None:
        return None
    return current_app.extensions["clock"].shown(naive_utc, "%d-%m-%Y %H:%M:%S")


@staff.get("/sync")
@login_required(admin=True)
def sync_status():
    """Pending events, the last success and the last error in words."""
    cfg = current_app.extensions["edge_config"]
    state = store.sync_state()
    return render_template("staff/sync.html", configured=bool(cfg.district_url), district_url=cfg.district_url,
                           pending=store.pending_count(), acked_through=state.acked_through,
                           last_success=_local(state.last_success), last_attempt=_local(state.last_attempt),
                           last_success_iso=to_iso(state.last_success), last_error=state.last_error,
                           failures=state.failures, clock_offset=round(state.clock_offset))


@staff.post("/sync")
@login_required(admin=True)
def sync_now():
    """Wake the sync worker (or run one pass when this process has none)."""
    cfg = current_app.extensions["edge_config"]
    if not cfg.district_url:
        flash(_("Alamat kabupaten belum diatur; sinkronisasi tidak berjalan."))
        return redirect(url_for("staff.sync_status"))
    worker = current_app.extensions.get("sync_worker")
    if worker is None:
        from ..sync.worker import SyncWorker

        worker = SyncWorker(current_app._get_current_object())
        threading.Thread(target=worker.cycle, kwargs={"wait_for_lock": 30.0, "force_config": True},
                         name="anjungan-sync-now", daemon=True).start()
    else:
        worker.wakeup.set()
    audit(g.staff_user.username, "sync.now")
    flash(_("Sinkronisasi dimulai. Muat ulang halaman ini sebentar lagi."))
    return redirect(url_for("staff.sync_status"))
