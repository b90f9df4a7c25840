"""The satisfaction survey: a tablet page at the counter (/survey), a kiosk API call, and staff results."""


def init_app(app, csrf) -> None:
    from . import views  # noqa: F401  (routes)
    from .views import survey

    app.register_blueprint(survey)
