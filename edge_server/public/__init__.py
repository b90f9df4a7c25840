"""Public pages a resident opens on a phone: /t/<token> (ticket), /s/<token> (letter), /verifikasi/<code>."""


def init_app(app, csrf) -> None:
    from .views import public

    app.register_blueprint(public)
