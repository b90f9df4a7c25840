"""Public pages a resident opens on a phone: /t/<token> (ticket), /s/<token> (letter), /verifikasi/<code>."""
from importlib.util import find_spec


def init_app(app, csrf) -> None:
    """Register the `public` blueprint with every module that adds routes to it."""
    from .views import public

    # letters.py (/s, /verifikasi) lands separately on the same blueprint; import it when it is there.
    if find_spec(f"{__name__}.letters") is not None:
        from . import letters  # noqa: F401

    app.register_blueprint(public)
