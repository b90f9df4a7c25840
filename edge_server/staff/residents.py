"""Staff pages for residents: search, view, add and edit (temporary NIKs allowed here), set or reset a PIN
(shown once, printed as a PIN slip when a counter printer is configured), register an e-KTP tag,
import of an OpenSID export (XLSX or CSV)."""
from __future__ import annotations

import logging

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from anjungan_core.nik import mask_name, mask_nik

from ..inputs import bounded_int
from ..models import Resident
from ..residents import full_import, importer, privacy
from ..residents import service as residents
from . import pending_imports
from .auth import audit, login_required
from .blueprint import staff

log = logging.getLogger(__name__)
MAX_IMPORT_BYTES = 64 * 1024 * 1024
MAX_WARNINGS_SHOWN = 100
UPLOAD_VIEWS = ("edge_server.staff.residents.residents_import", "edge_server.staff.letter_types.letter_logo")
FORM_FIELDS = ("nik",) + residents.IDENTITY_COLUMNS


def _cfg():
    return current_app.extensions["edge_config"]


def _clock():
    return current_app.extensions["clock"]


def allow_upload(limit: int) -> None:
    """Lift the app's 64 KiB body limit for this request, then check the CSRF token (these views are exempt
    from the global check, which would read the form under the small limit)."""
    request.max_content_length = limit
    if request.method == "POST":
        current_app.extensions["csrf"].protect()


def _resident_or_none(resident_id: int) -> Resident | None:
    return Resident.get_or_none(Resident.id == resident_id)


def _msg(exc: residents.ResidentError) -> str:
    return _(exc.message, **exc.params)


@staff.get("/residents")
@login_required
def residents_list():
    """Search residents by NIK, name or KK number."""
    query = request.args.get("q", "").strip()
    found = residents.search(query) if query else []
    return render_template("staff/residents.html", q=query, found=found, total=residents.count(),
                           mask_nik=mask_nik)


def _form_values() -> dict:
    values = {name: request.form.get(name, "").strip() for name in FORM_FIELDS}
    values["nik"] = values["nik"].replace(" ", "")
    birth = values.pop("birth_date")
    values["birth_date"] = None
    if birth:
        try:
            values["birth_date"] = importer.parse_date(birth)
        except ValueError:
            raise residents.ResidentError("Tanggal lahir tidak valid (YYYY-MM-DD).") from None
    return values


@staff.route("/residents/<resident_id>/edit", methods=["GET", "POST"])
@login_required
def resident_edit(resident_id: str):
    """Add a resident (resident_id "new") or correct one; a temporary NIK (starting with 0) is allowed."""
    resident = None if resident_id == "new" else (
        _resident_or_none(int(resident_id)) if bounded_int(resident_id) is not None else None)
    if resident is None and resident_id != "new":
        return redirect(url_for("staff.residents_list"))
    error = None
    if request.method == "POST":
        try:
            saved = residents.save_resident(_form_values(), _clock().utcnow(), resident)
        except residents.ResidentError as exc:
            error = _msg(exc)
        else:
            audit(g.staff_user.username, "resident.add" if resident is None else "resident.edit",
                  mask_nik(saved.nik))
            flash(_("Data penduduk disimpan."))
            return redirect(url_for("staff.resident_detail", resident_id=saved.id))
    values = request.form if request.method == "POST" else (
        {name: getattr(resident, name) or "" for name in FORM_FIELDS} if resident else {})
    return render_template("staff/residents_form.html", resident=resident, values=values, error=error), (
        400 if error else 200)


def _detail(resident: Resident, shown_pin: str | None = None, print_note: str | None = None, status=200):
    from ..letters import service as letters
    from .letters import all_types

    privacy.log_view(resident.id, g.staff_user.username, _clock().utcnow(), "detail")
    return render_template("staff/residents_detail.html", r=resident, shown_pin=shown_pin, print_note=print_note,
                           letters=letters.resident_letters(resident.id), types=all_types(),
                           label=letters.status_label, printer=bool(_cfg().counter_printer)), status


@staff.get("/residents/<int:resident_id>")
@login_required
def resident_detail(resident_id: int):
    """A resident's record, PIN and e-KTP tag state, and their letter requests."""
    resident = _resident_or_none(resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    return _detail(resident)


def _print_pin_slip(resident: Resident, pin: str) -> str:
    """Print the PIN slip on the counter printer; returns what happened, in words for the page."""
    from drivers.printer import PrinterError, open_printer
    from drivers.receipt import pin_slip

    from ..models import VillageProfile

    profile = VillageProfile.select().first()
    slip = pin_slip(village_name=profile.name if profile else "", name_masked=mask_name(resident.name),
                    nik_masked=mask_nik(resident.nik), pin=pin, issued_at=_clock().local())
    try:
        with open_printer(_cfg().counter_printer) as printer:
            printer.print(slip)
    except (PrinterError, OSError) as exc:
        log.warning("PIN slip not printed: %s", exc)
        return _("Slip PIN gagal dicetak (%(why)s). Catat PIN dari layar.", why=str(exc)[:120])
    return _("Slip PIN dicetak.")


@staff.post("/residents/<int:resident_id>/pin")
@login_required
def resident_pin(resident_id: int):
    """Set a new random PIN (shown once here, printed when asked) or remove the PIN."""
    resident = _resident_or_none(resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    now = _clock().utcnow()
    if request.form.get("action") == "clear":
        residents.clear_pin(resident, now)
        audit(g.staff_user.username, "resident.pin_clear", mask_nik(resident.nik))
        flash(_("PIN dihapus."))
        return redirect(url_for("staff.resident_detail", resident_id=resident.id))
    if resident.temporary:
        flash(_("Penduduk dengan NIK sementara tidak bisa memakai anjungan."))
        return redirect(url_for("staff.resident_detail", resident_id=resident.id))
    pin = residents.set_pin(resident, _cfg().pin_hash, now)
    audit(g.staff_user.username, "resident.pin_set", mask_nik(resident.nik))
    note = None
    if _cfg().counter_printer and request.form.get("print") == "on":
        note = _print_pin_slip(resident, pin)
    response = _detail(Resident.get_by_id(resident.id), shown_pin=pin, print_note=note)
    return response[0], 200, {"Cache-Control": "no-store"}


@staff.post("/residents/<int:resident_id>/rfid")
@login_required
def resident_rfid(resident_id: int):
    """Register the e-KTP tag the USB reader typed into the field, or remove it."""
    resident = _resident_or_none(resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    now = _clock().utcnow()
    if request.form.get("action") == "clear":
        residents.clear_rfid(resident, now)
        audit(g.staff_user.username, "resident.rfid_clear", mask_nik(resident.nik))
        flash(_("Kartu e-KTP dilepas dari penduduk ini."))
    elif resident.temporary:
        flash(_("Penduduk dengan NIK sementara tidak bisa memakai anjungan."))
    else:
        try:
            uid = residents.set_rfid(resident, request.form.get("rfid", ""), now)
        except residents.ResidentError as exc:
            flash(_msg(exc))
        else:
            audit(g.staff_user.username, "resident.rfid_set", mask_nik(resident.nik), f"uid …{uid[-3:]}")
            flash(_("Kartu e-KTP terdaftar."))
    return redirect(url_for("staff.resident_detail", resident_id=resident.id))


@staff.post("/residents/<int:resident_id>/active")
@login_required
def resident_active(resident_id: int):
    """Deactivate a resident (moved away, deceased) or activate again."""
    resident = _resident_or_none(resident_id)
    if resident is not None:
        active = request.form.get("active") == "1"
        residents.set_active(resident, active, _clock().utcnow())
        audit(g.staff_user.username, "resident.activate" if active else "resident.deactivate",
              mask_nik(resident.nik))
    return redirect(url_for("staff.resident_detail", resident_id=resident_id))


@staff.route("/residents/import", methods=["GET", "POST"])
@login_required(admin=True)
def residents_import():
    """Upload an OpenSID export (XLSX or CSV): all or nothing, every bad line listed, warnings shown.
    "Complete population" (full) first shows how many residents would become inactive and waits for a
    confirmation."""
    allow_upload(MAX_IMPORT_BYTES)
    if request.method == "GET":
        return render_template("staff/residents_import.html", errors=None, result=None, pending=None)
    pending_token = request.form.get("pending", "")
    if pending_token:
        return _confirm_pending(pending_token, request.form.get("action") == "confirm")
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        flash(_("Pilih berkas XLSX atau CSV dulu."))
        return redirect(url_for("staff.residents_import"))
    name = upload.filename[:100] if upload.filename else ""
    parsed = importer.parse_residents(data, _clock().business_date())
    if parsed.errors:
        return _refused(parsed)
    if request.form.get("full") == "on":
        plan = full_import.plan_for(parsed.rows)
        token = pending_imports.save(_cfg().data_dir, data, name)
        return render_template("staff/residents_import.html", errors=None, result=None,
                               warnings=_warnings(parsed), pending={
            "token": token, "rows": len(parsed.rows), "deactivate": len(plan.deactivate),
            "reactivate": len(plan.reactivate), "temporary": plan.kept_temporary, "name": name})
    return _apply(parsed, name, full=False)


def _warnings(parsed: importer.ImportResult) -> dict | None:
    if not parsed.warnings:
        return None
    return {"total": len(parsed.warnings), "shown": [w.text(_) for w in parsed.warnings[:MAX_WARNINGS_SHOWN]]}


def _refused(parsed: importer.ImportResult):
    lines = [e.text(_) for e in parsed.errors]
    return render_template("staff/residents_import.html", errors=lines, result=None, pending=None,
                           warnings=_warnings(parsed)), 400


def _apply(parsed: importer.ImportResult, name: str, *, full: bool):
    report = full_import.apply(parsed.rows, _clock().utcnow(), full=full)
    audit(g.staff_user.username, "resident.import_full" if full else "resident.import", name,
          report.audit_detail())
    return render_template("staff/residents_import.html", errors=None, result=report, full=full, pending=None,
                           warnings=_warnings(parsed))


def _confirm_pending(token: str, confirmed: bool):
    """The second step of a full import: apply the file kept on the server, or drop it."""
    found = pending_imports.take(_cfg().data_dir, token)
    if found is None:
        flash(_("Unggahan itu sudah kedaluwarsa atau sudah diproses. Unggah lagi."))
        return redirect(url_for("staff.residents_import"))
    data, name = found
    if not confirmed:
        flash(_("Impor dibatalkan; tidak ada yang diubah."))
        return redirect(url_for("staff.residents_import"))
    parsed = importer.parse_residents(data, _clock().business_date())
    if parsed.errors:  # the day changed between the two steps; say why
        return _refused(parsed)
    return _apply(parsed, name, full=True)


def init_app(app) -> None:
    """Menu entry; the upload views check CSRF themselves after lifting the body limit."""
    from . import register_nav

    csrf = app.extensions.get("csrf")
    if csrf is not None:
        for view in UPLOAD_VIEWS:
            csrf.exempt(view)
    register_nav(app, "staff.residents_list", lazy_gettext("Penduduk"))
