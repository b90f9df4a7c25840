"""The TV queue board, its event stream and its Indonesian voice."""


def init_app(app, csrf) -> None:
    """Register the board, its event stream and the voice files (no login: the TV is public)."""
    from .views import display

    csrf.exempt(display)
    app.register_blueprint(display)
