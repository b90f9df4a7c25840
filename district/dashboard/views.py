"""Overview of every village, one village's last 30 days, and CSV exports."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from anjungan_core.regions import dotted_village_code

from ..backups import is_stale, latest_by_village
from ..charts import bar_chart, line_chart
from ..clock import clock
from ..models import DeviceState, Village
from ..stats import device_alerts, overview, village_days
from . import dashboard, login_required
from .grouping import group_rows, kecamatan_of, regency_totals

STALE_HOURS = 1  # a village unheard of for longer is shown as not syncing


def _cfg():
    return current_app.extensions["district_config"]


def _day_arg() -> date:
    try:
        return date.fromisoformat(request.args["date"]) if request.args.get("date") else clock().business_date()
    except ValueError:
        abort(400)


def problem_words(problem: str) -> str:
    return {"kiosk_offline": _("anjungan mati / tidak terhubung"), "display_offline": _("papan antrian mati"),
            "printer_offline": _("printer tidak terhubung"), "paper_out": _("kertas printer habis"),
            "paper_low": _("kertas printer hampir habis"), "scanner_missing": _("pemindai tidak terhubung")
            }.get(problem, problem)


def _local(naive_utc: datetime | None) -> str:
    if naive_utc is None:
        return _("belum pernah")
    return clock().shown(naive_utc, "%d-%m-%Y %H:%M")  # the regency's time with its zone name (WIB)


def _age(naive_utc: datetime | None) -> str:
    """How long ago, in words: "3 jam", "2 hari"."""
    if naive_utc is None:
        return _("belum ada")
    seconds = max(0, int((clock().utcnow() - naive_utc).total_seconds()))
    if seconds < 3600:
        return _("%(n)d menit", n=seconds // 60)
    if seconds < 48 * 3600:
        return _("%(n)d jam", n=seconds // 3600)
    return _("%(n)d hari", n=seconds // 86400)


@dashboard.get("/", endpoint="overview")
@login_required
def overview_page():
    """Every village by kecamatan: today's tickets, waits, letters, last seen and device alerts."""
    day = _day_arg()
    rows = overview(day)  # three queries whatever the number of villages
    stale_before = clock().utcnow() - timedelta(hours=STALE_HOURS)
    kecamatan = request.args.get("kecamatan", "").strip()
    problems_only = request.args.get("only") == "problems"
    return render_template("overview.html", day=day, local=_local, problem_words=problem_words,
                           stale_before=stale_before, kecamatan=kecamatan, problems_only=problems_only,
                           kecamatans=sorted({kecamatan_of(r["code"]) for r in rows}),
                           groups=group_rows(rows, stale_before, kecamatan, problems_only),
                           totals=regency_totals(rows, stale_before),
                           backups=latest_by_village(), age=_age,
                           backup_stale=lambda newest: is_stale(newest, clock().utcnow(), _cfg().backup_stale_hours))


@dashboard.get("/villages/<code>")
@login_required
def village_page(code: str):
    """One village: the last 30 days as charts, and its devices."""
    village = _village(code)
    end = _day_arg()
    days = village_days(village.code, end)
    labels = [d["date"].strftime("%d/%m") for d in days]
    tickets = bar_chart(_("Tiket per hari"), labels, [
        (_("diambil"), [d["tickets_issued"] for d in days], "#2563eb"),
        (_("dilayani"), [d["tickets_served"] for d in days], "#16a34a")])
    letters = bar_chart(_("Permohonan surat per hari"), labels, [
        (_("surat"), [d["letters_requested"] for d in days], "#9333ea")])
    waits = line_chart(_("Rata-rata waktu tunggu (menit)"), labels,
                       [None if d["avg_wait_seconds"] is None else round(d["avg_wait_seconds"] / 60, 1)
                        for d in days], unit=_("menit"))
    devices = list(DeviceState.select().where(DeviceState.village == village.code).order_by(DeviceState.device))
    return render_template("village.html", village=village, days=days, end=end, local=_local,
                           charts=[Markup(tickets), Markup(waits), Markup(letters)], devices=devices,
                           alerts=device_alerts([village.code]).get(village.code, []),
                           problem_words=problem_words)


def _village(code: str) -> Village:
    dotted = dotted_village_code(code)
    village = Village.get_or_none(Village.code == dotted) if dotted else None
    if village is None:
        abort(404)
    return village


def _csv(filename: str, header: list[str], rows: list[list]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@dashboard.get("/export.csv")
@login_required
def export_overview():
    """Every village's counts for one day as CSV."""
    day = _day_arg()
    rows = [[r["code"], r["name"], day.isoformat(), r["tickets_issued"], r["tickets_served"], r["tickets_no_show"],
             "" if r["avg_wait_seconds"] is None else round(r["avg_wait_seconds"] / 60, 1), r["letters_requested"],
             _local(r["last_seen"]) if r["last_seen"] else "", r["last_seq"],
             "; ".join(f"{a['device']}: {a['problem']}" for a in r["alerts"])] for r in overview(day)]
    return _csv(f"anjungan-{day.isoformat()}.csv",
                ["kode_desa", "desa", "tanggal", "tiket_diambil", "tiket_dilayani", "tiket_tidak_hadir",
                 "rata_tunggu_menit", "surat_diminta", "terakhir_terlihat", "seq_terakhir", "peringatan"], rows)


@dashboard.get("/villages/<code>/export.csv")
@login_required
def export_village(code: str):
    """One village's last 30 days as CSV."""
    village = _village(code)
    days = village_days(village.code, _day_arg())
    rows = [[village.code, d["date"].isoformat(), d["tickets_issued"], d["tickets_served"], d["tickets_no_show"],
             "" if d["avg_wait_seconds"] is None else round(d["avg_wait_seconds"] / 60, 1), d["letters_requested"]]
            for d in days]
    return _csv(f"anjungan-{village.code}.csv", ["kode_desa", "tanggal", "tiket_diambil", "tiket_dilayani",
                                                 "tiket_tidak_hadir", "rata_tunggu_menit", "surat_diminta"], rows)
