"""Admin pages for letters: the letter types (name, fields, requirements, text, self-service flag) and the
village's letter options (counter per type or shared, number format, pickup ticket, letterhead logo)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..db import write_transaction
from ..inputs import bounded_int
from ..letters import document, rules
from ..letters import service as letters
from ..models import LetterType, Service
from .auth import audit, login_required
from .blueprint import staff
from .residents import allow_upload

MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg"}


def _form_type(letter_type: LetterType | None) -> tuple[dict | None, str | None]:
    """Values of the letter-type form, or an error message."""
    form = request.form
    code = form.get("code", "").strip()[:20]
    name = form.get("name", "").strip()[:120]
    if not code or not name or "/" in code:
        return None, _("Kode (tanpa garis miring) dan nama surat wajib diisi.")
    try:
        fields = rules.parse_field_lines(form.get("fields", ""))
    except ValueError as exc:
        return None, _("Isian: %(why)s", why=str(exc))
    validity = form.get("validity_days", "30").strip()
    if bounded_int(validity, 0, 3650) is None:
        return None, _("Masa berlaku harus angka hari (0 = tanpa batas).")
    requirements = [line.strip() for line in form.get("requirements", "").splitlines() if line.strip()]
    clash = LetterType.get_or_none((LetterType.code == code) &
                                   (LetterType.id != (letter_type.id if letter_type else 0)))
    if clash is not None:
        return None, _("Kode surat %(code)s sudah dipakai.", code=code)
    return {"code": code, "name": name, "fields": json.dumps(fields, ensure_ascii=False),
            "requirements": json.dumps(requirements, ensure_ascii=False),
            "template": form.get("template", "").strip()[:5000], "validity_days": int(validity),
            "self_service": form.get("self_service") == "on", "active": form.get("active") == "on",
            "description": " ".join(form.get("description", "").split())[:160]}, None


@staff.get("/admin/letter-types")
@login_required(admin=True)
def letter_types():
    """Letter types and the village's letter options."""
    types = list(LetterType.select().order_by(LetterType.sort_order, LetterType.code))
    return render_template("staff/letter_types.html", types=types, settings=letters.settings(),
                           services=list(Service.select().order_by(Service.sort_order, Service.code)),
                           has_logo=document.logo_path(current_app.extensions["edge_config"].data_dir) is not None,
                           default_format=rules.DEFAULT_NUMBER_FORMAT)


@staff.route("/admin/letter-types/<type_id>", methods=["GET", "POST"])
@login_required(admin=True)
def letter_type_edit(type_id: str):
    """Edit a letter type, or add one (type_id "new")."""
    letter_type = None if type_id == "new" else LetterType.get_or_none(LetterType.id == type_id)
    if letter_type is None and type_id != "new":
        return redirect(url_for("staff.letter_types"))
    if request.method == "POST":
        values, error = _form_type(letter_type)
        if error:
            flash(error)
        else:
            with write_transaction():
                if letter_type is None:
                    letter_type = LetterType.create(sort_order=LetterType.select().count(), **values)
                else:
                    LetterType.update(**values).where(LetterType.id == letter_type.id).execute()
            audit(g.staff_user.username, "letter_type.save", values["code"],
                  f"self_service={values['self_service']} active={values['active']}")
            flash(_("Jenis surat %(code)s disimpan.", code=values["code"]))
            return redirect(url_for("staff.letter_types"))
    fields = letters.type_fields(letter_type) if letter_type else []
    return render_template("staff/letter_type.html", letter_type=letter_type,
                           field_text=rules.field_lines(fields),
                           description=letters.description(letter_type) if letter_type else "",
                           requirement_text="\n".join(letters.type_requirements(letter_type)) if letter_type else "")


@staff.post("/admin/letter-settings")
@login_required(admin=True)
def letter_settings():
    """Save the counter mode, number format and pickup-ticket service."""
    mode = request.form.get("letter_counter")
    fmt = request.form.get("letter_number_format", "").strip() or rules.DEFAULT_NUMBER_FORMAT
    pickup = request.form.get("letter_pickup_service", "").strip().upper()[:1]
    try:
        rules.check_number_format(fmt)
        rules.format_letter_number("S-41", 7, "3317092016", date(2026, 11, 1), fmt)
    except (ValueError, KeyError, IndexError) as exc:
        flash(_("Format nomor tidak sah: %(why)s", why=str(exc)))
        return redirect(url_for("staff.letter_types"))
    if pickup and Service.get_or_none(Service.code == pickup) is None:
        pickup = ""
    saved = letters.save_settings({
        "letter_counter": rules.COUNTER_GLOBAL if mode == rules.COUNTER_GLOBAL else rules.COUNTER_PER_TYPE,
        "letter_number_format": fmt, "letter_pickup_service": pickup})
    audit(g.staff_user.username, "letter.settings", "", json.dumps(saved, ensure_ascii=False))
    flash(_("Pengaturan surat disimpan."))
    return redirect(url_for("staff.letter_types"))


@staff.post("/admin/letter-logo")
@login_required(admin=True)
def letter_logo():
    """Upload the letterhead logo (PNG or JPEG, at most 512 KiB)."""
    allow_upload(MAX_LOGO_BYTES + 64 * 1024)
    upload = request.files.get("logo")
    data = upload.read(MAX_LOGO_BYTES + 1) if upload else b""
    suffix = next((ext for magic, ext in LOGO_TYPES.items() if data.startswith(magic)), None)
    if not data or len(data) > MAX_LOGO_BYTES or suffix is None:
        flash(_("Logo harus berkas PNG atau JPEG, paling besar 512 KiB."))
        return redirect(url_for("staff.letter_types"))
    data_dir = Path(current_app.extensions["edge_config"].data_dir)
    for name in document.LOGO_NAMES:
        (data_dir / name).unlink(missing_ok=True)
    (data_dir / f"logo{suffix}").write_bytes(data)
    audit(g.staff_user.username, "letter.logo", f"logo{suffix}", f"{len(data)} bytes")
    flash(_("Logo kop surat disimpan."))
    return redirect(url_for("staff.letter_types"))
