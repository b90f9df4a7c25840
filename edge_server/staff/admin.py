"""Admin pages: services, counters, staff users and devices."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from anjungan_core.passwords import hash_secret

from ..db import write_transaction
from ..devices import create_pairing_code, device_json, revoke
from ..inputs import bounded_int
from ..models import Counter, CounterService, Device, Service, StaffUser
from ..security import new_password
from .auth import audit, login_required
from .blueprint import staff
from .sessions import end_all


def _cfg():
    return current_app.extensions["edge_config"]


def _now():
    return current_app.extensions["clock"].utcnow()


@staff.route("/admin/services", methods=["GET", "POST"])
@login_required(admin=True)
def admin_services():
    """List, add and edit services (prefix, name, open, daily cap)."""
    if request.method == "POST":
        code = request.form.get("code", "").strip().upper()
        name = request.form.get("name", "").strip()
        cap_text = request.form.get("daily_cap", "").strip()
        if len(code) != 1 or not code.isalpha() or not name:
            flash(_("Kode layanan satu huruf dan nama wajib diisi."))
        elif cap_text and bounded_int(cap_text, 0, 100_000) is None:
            flash(_("Kuota harian harus angka atau kosong."))
        else:
            cap = int(cap_text) if cap_text else None
            with write_transaction():
                service = Service.get_or_none(Service.code == code)
                is_open = request.form.get("is_open") == "on"
                if service is None:
                    Service.create(code=code, name=name, is_open=is_open, daily_cap=cap,
                                   sort_order=Service.select().count())
                else:
                    Service.update(name=name, is_open=is_open, daily_cap=cap).where(Service.id == service.id).execute()
            audit(g.staff_user.username, "service.save", code, f"open={is_open} cap={cap}")
            flash(_("Layanan %(code)s disimpan.", code=code))
        return redirect(url_for("staff.admin_services"))
    return render_template("staff/admin_services.html",
                           services=list(Service.select().order_by(Service.sort_order, Service.code)))


@staff.route("/admin/counters", methods=["GET", "POST"])
@login_required(admin=True)
def admin_counters():
    """List, add and edit counters and the services each serves."""
    services = list(Service.select().order_by(Service.sort_order, Service.code))
    if request.method == "POST":
        number_text = request.form.get("number", "").strip()
        if bounded_int(number_text, 1, 999) is None:
            flash(_("Nomor loket harus angka 1-999."))
            return redirect(url_for("staff.admin_counters"))
        number = int(number_text)
        chosen = [s for s in services if request.form.get(f"service_{s.code}") == "on"]
        with write_transaction():
            counter, _created = Counter.get_or_create(number=number, defaults={"name": f"Loket {number}"})
            CounterService.delete().where(CounterService.counter == counter).execute()
            for service in chosen:
                CounterService.create(counter=counter, service=service)
        audit(g.staff_user.username, "counter.save", str(number), ",".join(s.code for s in chosen))
        flash(_("Loket %(number)s disimpan.", number=number))
        return redirect(url_for("staff.admin_counters"))
    counters = []
    for counter in Counter.select().order_by(Counter.number):
        served = {link.service.code for link in counter.service_links}
        counters.append((counter, served))
    return render_template("staff/admin_counters.html", counters=counters, services=services)


@staff.route("/admin/users", methods=["GET", "POST"])
@login_required(admin=True)
def admin_users():
    """Staff accounts: add, reset a password (shown once), disable."""
    shown_password = None
    if request.method == "POST":
        action = request.form.get("action")
        username = request.form.get("username", "").strip().lower()
        if not username or len(username) > 40 or not username.replace("_", "").replace(".", "").isalnum():
            flash(_("Nama pengguna hanya huruf, angka, titik dan garis bawah."))
            return redirect(url_for("staff.admin_users"))
        user = StaffUser.get_or_none(StaffUser.username == username)
        if action == "add" and user is None:
            shown_password = new_password()
            role = "admin" if request.form.get("role") == "admin" else "operator"
            StaffUser.create(username=username, password_hash=hash_secret(shown_password, _cfg().password_hash),
                             role=role, display_name=request.form.get("display_name", "")[:80], created_at=_now())
            audit(g.staff_user.username, "user.add", username, role)
        elif action == "reset" and user is not None:
            shown_password = new_password()
            user.password_hash = hash_secret(shown_password, _cfg().password_hash)
            user.active = True
            user.save()
            end_all(user.id)
            audit(g.staff_user.username, "user.reset_password", username)
        elif action == "disable" and user is not None and user.id != g.staff_user.id:
            user.active = False
            user.save()
            end_all(user.id)
            audit(g.staff_user.username, "user.disable", username)
        else:
            flash(_("Aksi tidak bisa dilakukan untuk pengguna itu."))
        if shown_password:
            flash(_("Kata sandi baru untuk %(user)s: %(password)s (catat sekarang, tidak ditampilkan lagi).",
                    user=username, password=shown_password))
        return redirect(url_for("staff.admin_users"))
    return render_template("staff/admin_users.html", users=list(StaffUser.select().order_by(StaffUser.username)))


@staff.route("/admin/devices", methods=["GET", "POST"])
@login_required(admin=True)
def admin_devices():
    """Devices: make a pairing code, revoke a token, see heartbeats and paper state."""
    if request.method == "POST":
        if request.form.get("action") == "pairing-code":
            kind = "display" if request.form.get("kind") == "display" else "kiosk"
            code = create_pairing_code(_now(), _cfg().pairing_code_minutes, created_by=g.staff_user.username,
                                       kind=kind)
            audit(g.staff_user.username, "device.pairing_code", kind)
            flash(_("Kode pemasangan: %(code)s (berlaku %(minutes)s menit, sekali pakai).", code=code,
                    minutes=_cfg().pairing_code_minutes))
        elif request.form.get("action") == "revoke":
            device_id = request.form.get("device_id", "")
            if bounded_int(device_id) is not None and Device.get_or_none(Device.id == int(device_id)):
                revoke(int(device_id), _now())
                audit(g.staff_user.username, "device.revoke", device_id)
                flash(_("Token perangkat dicabut."))
        return redirect(url_for("staff.admin_devices"))
    devices = [device_json(d) for d in Device.select().order_by(Device.revoked_at.is_null(False), Device.name)]
    from anjungan_core.version import running_version

    return render_template("staff/admin_devices.html", devices=devices, edge_version=running_version())
