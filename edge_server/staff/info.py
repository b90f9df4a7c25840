"""Console pages for village information: announcements (all staff), office hours and holidays, public
cameras, take-home links and the village profile (admins). Every form posts with its CSRF token."""
from __future__ import annotations

import json
from datetime import date

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from ..db import write_transaction
from ..info import announcements as notices
from ..info import cameras as camera_cache
from ..info import hours, images, links, profile
from ..info import schedule as office_hours
from ..inputs import bounded_int
from ..models import Announcement, Camera, Contact, Holiday, Link, Official, Service, ServiceHours, VillageProfile
from .auth import audit, login_required
from .blueprint import staff

UPLOAD_MAX = 8 * 1024 * 1024  # a phone photo; the rest of the console keeps the 64 KiB limit


def _cfg():
    return current_app.extensions["edge_config"]


def _clock():
    return current_app.extensions["clock"]


def _user() -> str:
    return g.staff_user.username


def _text(name: str, limit: int = 200) -> str:
    return request.form.get(name, "").strip()[:limit]


def _day(name: str) -> date | None:
    """A date field (YYYY-MM-DD) or None when empty; :raises ValueError: not a date."""
    value = request.form.get(name, "").strip()
    return date.fromisoformat(value) if value else None


def _int_id(name: str) -> int | None:
    value = request.form.get(name, "")
    return bounded_int(value)


# ---- announcements ----------------------------------------------------------------------------------------

def _upload_form() -> None:
    """Allow a picture in this request only, then check the CSRF token ourselves (the view is exempt from the
    automatic check because that check would read the body under the 64 KiB limit)."""
    request.max_content_length = UPLOAD_MAX
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0] if exc.args else "CSRF") from None


def _announcement_input() -> notices.AnnouncementInput | None:
    title, body = _text("title", notices.MAX_TITLE), request.form.get("body", "").strip()[:notices.MAX_BODY]
    try:
        first, last = _day("first_day"), _day("last_day")
    except ValueError:
        flash(_("Tanggal tidak sah; pakai format TTTT-BB-HH."))
        return None
    if not title:
        flash(_("Judul pengumuman wajib diisi."))
        return None
    if first and last and last < first:
        flash(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return None
    return notices.AnnouncementInput(title=title, body=body, first_day=first, last_day=last,
                                     audience=request.form.get("audience", "both"),
                                     active=request.form.get("active") == "on")


def _store_picture(announcement: Announcement) -> bool:
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return True
    try:
        notices.attach_image(announcement, upload.read(UPLOAD_MAX + 1), _cfg().data_dir, _clock().utcnow())
    except images.ImageError:
        flash(_("Berkas itu bukan gambar yang bisa dipakai (JPEG, PNG atau WebP)."))
        return False
    return True


@staff.route("/info/announcements", methods=["GET", "POST"])
@login_required
def info_announcements():
    """Village announcements (write, schedule, picture) and the district's (read only)."""
    if request.method == "POST":
        _upload_form()
        data = _announcement_input()
        if data is not None:
            row = notices.save(data, _clock().zone)
            _store_picture(row)
            audit(_user(), "announcement.add", str(row.id), row.title)
            flash(_("Pengumuman disimpan."))
        return redirect(url_for("staff.info_announcements"))
    now = _clock().utcnow()
    rows = list(Announcement.select().order_by(Announcement.source.desc(), Announcement.id.desc()))
    pictures = notices.images_for([a.id for a in rows])
    zone = _clock().zone
    items = [{"row": a, "state": notices.state(a, now), "days": notices.local_days(a, zone),
              "image": pictures.get(a.id)} for a in rows]
    return render_template("staff/info_announcements.html", items=items, audiences=notices.AUDIENCES)


@staff.route("/info/announcements/<int:announcement_id>", methods=["GET", "POST"])
@login_required
def info_announcement_edit(announcement_id: int):
    """Edit, hide, delete a village announcement, or change its picture."""
    try:
        row = notices.village_announcement(announcement_id)
    except LookupError:
        flash(_("Pengumuman itu tidak ada atau dikirim kecamatan/kabupaten."))
        return redirect(url_for("staff.info_announcements"))
    if request.method == "POST":
        _upload_form()
        action = request.form.get("action", "save")
        if action == "delete":
            notices.delete(row, _cfg().data_dir)
            audit(_user(), "announcement.delete", str(row.id), row.title)
            flash(_("Pengumuman dihapus."))
            return redirect(url_for("staff.info_announcements"))
        if action == "remove-image":
            notices.remove_image(row, _cfg().data_dir)
            flash(_("Gambar dihapus."))
        else:
            data = _announcement_input()
            if data is not None:
                notices.save(data, _clock().zone, row.id)
                _store_picture(row)
                audit(_user(), "announcement.save", str(row.id), data.title)
                flash(_("Pengumuman disimpan."))
        return redirect(url_for("staff.info_announcement_edit", announcement_id=row.id))
    image = notices.images_for([row.id]).get(row.id)
    first, last = notices.local_days(row, _clock().zone)
    return render_template("staff/info_announcement_edit.html", row=row, first=first, last=last, image=image,
                           audiences=notices.AUDIENCES)


# ---- office hours and holidays ----------------------------------------------------------------------------

def _save_hours(service: Service) -> None:
    if request.form.get("always_open") == "on":
        ServiceHours.delete().where(ServiceHours.service == service).execute()
        audit(_user(), "hours.save", service.code, "always open")
        flash(_("Layanan %(code)s buka setiap hari sepanjang hari.", code=service.code))
        return
    try:
        weekly = {day: hours.parse_intervals(request.form.get(f"day_{day}", "")) for day in range(7)}
    except hours.HoursError as exc:
        flash(_("Jam tidak sah: %(part)s. Tulis seperti 08:00-12:00, 13:00-15:00.", part=str(exc)))
        return
    stored = json.dumps(hours.weekly_to_json(weekly))
    with write_transaction():
        updated = ServiceHours.update(weekly=stored).where(ServiceHours.service == service).execute()
        if not updated:
            ServiceHours.create(service=service, weekly=stored)
    audit(_user(), "hours.save", service.code, stored)
    flash(_("Jam layanan %(code)s disimpan.", code=service.code))


def _save_holiday() -> None:
    try:
        day = _day("day")
    except ValueError:
        day = None
    name = _text("name", 120)
    if day is None or not name:
        flash(_("Tanggal dan nama hari libur wajib diisi."))
        return
    code = request.form.get("service", "")
    service = Service.get_or_none(Service.code == code) if code else None
    with write_transaction():
        Holiday.delete().where((Holiday.day == day) & ((Holiday.service == service) if service
                                                       else Holiday.service.is_null())).execute()
        Holiday.create(day=day, name=name, service=service)
    audit(_user(), "holiday.save", day.isoformat(), f"{code or '*'} {name}")
    flash(_("Hari libur %(day)s disimpan.", day=day.isoformat()))


@staff.route("/info/hours", methods=["GET", "POST"])
@login_required(admin=True)
def info_hours():
    """Weekly hours per service (empty = always open) and holidays."""
    if request.method == "POST":
        action = request.form.get("action")
        if action == "hours":
            service = Service.get_or_none(Service.code == request.form.get("service", ""))
            if service is not None:
                _save_hours(service)
        elif action == "holiday":
            _save_holiday()
        elif action == "delete-holiday" and _int_id("holiday_id"):
            Holiday.delete().where(Holiday.id == _int_id("holiday_id")).execute()
            audit(_user(), "holiday.delete", str(_int_id("holiday_id")))
            flash(_("Hari libur dihapus."))
        return redirect(url_for("staff.info_hours"))
    clock = _clock()
    statuses = office_hours.statuses(clock)
    services = []
    for service in Service.select().order_by(Service.sort_order, Service.code):
        row = ServiceHours.get_or_none(ServiceHours.service == service)
        weekly = hours.weekly_from_json(json.loads(row.weekly)) if row else {}
        services.append({"service": service, "always_open": row is None, "status": statuses[service.id],
                         "days": [hours.format_intervals(weekly.get(d, ())) for d in range(7)]})
    holidays = list(Holiday.select().where(Holiday.day >= clock.business_date()).order_by(Holiday.day))
    return render_template("staff/info_hours.html", services=services, holidays=holidays,
                           day_names=[office_hours.day_name(d) for d in range(7)],
                           all_services=[s["service"] for s in services])


# ---- cameras -----------------------------------------------------------------------------------------------

@staff.route("/info/cameras", methods=["GET", "POST"])
@login_required(admin=True)
def info_cameras():
    """Public cameras: snapshot or MJPEG URLs the edge fetches; kiosks see only the cached picture."""
    if request.method == "POST":
        action = request.form.get("action")
        camera = Camera.get_or_none(Camera.id == _int_id("camera_id")) if _int_id("camera_id") else None
        if action == "save":
            name, url = _text("name", 120), _text("url", 1000)
            refresh = request.form.get("refresh_seconds", "60").strip()
            try:
                camera_cache.check_url(url)
            except camera_cache.FetchError:
                flash(_("Alamat kamera harus diawali http:// atau https://."))
                return redirect(url_for("staff.info_cameras"))
            if not name or bounded_int(refresh, 0, 86_400) is None:
                flash(_("Nama kamera wajib diisi dan interval berupa angka detik."))
                return redirect(url_for("staff.info_cameras"))
            values = {"name": name, "url": url, "location": _text("location", 200),
                      "refresh_seconds": max(camera_cache.MIN_REFRESH_SECONDS, int(refresh)),
                      "active": request.form.get("active") == "on"}
            if camera is None:
                camera = Camera.create(sort_order=profile.next_sort_order(Camera), **values)
            else:
                if camera.url != url:  # another camera: forget the old one's state
                    values.update(last_attempt_at=None, failures=0, last_error="")
                Camera.update(**values).where(Camera.id == camera.id).execute()
            audit(_user(), "camera.save", str(camera.id), f"{name} {camera_cache.redact(url)}")
            flash(_("Kamera %(name)s disimpan.", name=name))
        elif action == "refresh" and camera is not None:
            ok = camera_cache.refresh_camera(camera, _cfg().data_dir, _clock().utcnow())
            camera = Camera.get_by_id(camera.id)
            flash(_("Gambar kamera diperbarui.") if ok else
                  _("Kamera tidak menjawab: %(error)s", error=camera.last_error))
        elif action == "delete" and camera is not None:
            Camera.delete().where(Camera.id == camera.id).execute()
            images.drop_copies(camera_cache.image_path(_cfg().data_dir, camera.id))
            audit(_user(), "camera.delete", str(camera.id), camera.name)
            flash(_("Kamera dihapus."))
        return redirect(url_for("staff.info_cameras"))
    now = _clock().utcnow()
    cameras = [{"row": c, "available": camera_cache.is_available(c, now), "shown_url": camera_cache.redact(c.url)}
               for c in Camera.select().order_by(Camera.sort_order, Camera.id)]
    return render_template("staff/info_cameras.html", cameras=cameras)


# ---- links -------------------------------------------------------------------------------------------------

@staff.route("/info/links", methods=["GET", "POST"])
@login_required(admin=True)
def info_links():
    """Links residents take home as a QR code (regency app, village website, complaint form)."""
    if request.method == "POST":
        action = request.form.get("action")
        link = Link.get_or_none(Link.id == _int_id("link_id")) if _int_id("link_id") else None
        if action == "save":
            title = _text("title", 120)
            try:
                url = links.check_link(request.form.get("url", ""))
            except links.LinkError:
                flash(_("Tautan harus alamat http:// atau https:// yang lengkap."))
                return redirect(url_for("staff.info_links"))
            if not title:
                flash(_("Judul tautan wajib diisi."))
                return redirect(url_for("staff.info_links"))
            values = {"title": title, "url": url, "description": _text("description", 200),
                      "active": request.form.get("active") == "on"}
            if link is None:
                link = Link.create(sort_order=profile.next_sort_order(Link), **values)
            else:
                Link.update(**values).where(Link.id == link.id).execute()
            audit(_user(), "link.save", str(link.id), url)
            flash(_("Tautan %(title)s disimpan.", title=title))
        elif action == "delete" and link is not None:
            Link.delete().where(Link.id == link.id).execute()
            audit(_user(), "link.delete", str(link.id), link.url)
            flash(_("Tautan dihapus."))
        return redirect(url_for("staff.info_links"))
    rows = [{"row": link, "qr": links.qr_svg(link.url, scale=2)}
            for link in Link.select().order_by(Link.sort_order, Link.id)]
    return render_template("staff/info_links.html", links=rows)


# ---- village profile ---------------------------------------------------------------------------------------

PROFILE_FIELDS = ("address", "phone", "head_name", "head_title")


@staff.route("/info/profile", methods=["GET", "POST"])
@login_required(admin=True)
def info_profile():
    """The village head, officials and their positions, contact numbers."""
    if request.method == "POST":
        action = request.form.get("action")
        if action == "village":
            values = {f: _text(f, 200) for f in PROFILE_FIELDS}
            VillageProfile.update(**values).execute()
            audit(_user(), "profile.save", "", json.dumps(values, ensure_ascii=False))
            flash(_("Profil desa disimpan."))
        elif action == "official":
            name, position = _text("name", 120), _text("position", 120)
            if name and position:
                Official.create(name=name, position=position, sort_order=profile.next_sort_order(Official))
                audit(_user(), "official.add", name, position)
                flash(_("Perangkat desa %(name)s ditambahkan.", name=name))
            else:
                flash(_("Nama dan jabatan wajib diisi."))
        elif action == "delete-official" and _int_id("official_id"):
            Official.delete().where(Official.id == _int_id("official_id")).execute()
            flash(_("Perangkat desa dihapus."))
        elif action == "contact":
            label, value = _text("label", 120), _text("value", 200)
            kind = request.form.get("kind", "phone")
            if label and value:
                Contact.create(label=label, value=value, sort_order=profile.next_sort_order(Contact),
                               kind=kind if kind in profile.CONTACT_KINDS else "other")
                audit(_user(), "contact.add", label, value)
                flash(_("Kontak %(label)s ditambahkan.", label=label))
            else:
                flash(_("Nama kontak dan nomornya wajib diisi."))
        elif action == "delete-contact" and _int_id("contact_id"):
            Contact.delete().where(Contact.id == _int_id("contact_id")).execute()
            flash(_("Kontak dihapus."))
        return redirect(url_for("staff.info_profile"))
    return render_template("staff/info_profile.html", village=VillageProfile.select().first(),
                           officials=profile.officials_json(), contacts=profile.contacts_json(),
                           kinds=profile.CONTACT_KINDS)


def init_app(app, csrf) -> None:
    """Menu entries, and the two picture-upload views checked for CSRF by `_upload_form` instead."""
    from . import register_nav

    csrf.exempt(info_announcements)
    csrf.exempt(info_announcement_edit)
    register_nav(app, "staff.info_announcements", _l("Pengumuman"))
    register_nav(app, "staff.info_hours", _l("Informasi Desa"), admin=True)
