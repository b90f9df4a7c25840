"""The staff console: login, counter console, admin pages, reports, and the JSON actions under /staff/api."""
from __future__ import annotations

from flask import g, url_for


def register_nav(app, endpoint: str, label, admin: bool = False) -> None:
    """Add a console menu entry for another area (letters, residents, sync...). `label` is a lazy string."""
    app.extensions.setdefault("staff_nav", []).append((endpoint, label, admin))


def init_app(app, csrf) -> None:
    from . import (  # noqa: F401  (each module adds its routes to the staff blueprint)
        account,
        admin,
        api,
        auth,
        clock,
        console,
        dates,
        letter_types,
        letters,
        privacy,
        register,
        reports,
        residents,
        survey,
        walkin,
    )
    from . import info as info_pages  # village information: announcements, hours, cameras, links, profile
    from . import sync as sync_page  # the sync status page
    from .blueprint import staff

    residents.init_app(app)
    letters.init_app(app)
    register.init_app(app)
    privacy.init_app(app)
    sync_page.init_app(app)
    dates.init_app(app)

    info_pages.init_app(app, csrf)
    app.register_blueprint(staff)
    auth.init_app(app)
    clock.init_app(app)
    from flask_babel import lazy_gettext

    register_nav(app, "staff.survey_results", lazy_gettext("Survei"))

    @app.template_filter("village_time")
    def _village_time(naive_utc, fmt: str = "%d-%m-%Y %H:%M") -> str:
        """A stored (naive UTC) or ISO instant as village time with its zone name, for every console page."""
        from datetime import datetime

        if isinstance(naive_utc, str):
            naive_utc = datetime.fromisoformat(naive_utc.replace("Z", "+00:00"))
        return app.extensions["clock"].shown(naive_utc, fmt)

    @app.context_processor
    def _nav():
        user = g.get("staff_user")
        items = [{"url": url_for(endpoint), "label": str(label)}
                 for endpoint, label, admin_only in app.extensions.get("staff_nav", [])
                 if user is not None and (user.is_admin or not admin_only)]
        return {"staff_nav": items}
