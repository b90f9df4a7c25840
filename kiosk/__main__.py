"""``python -m kiosk``: read the configuration, set up Kivy for a locked-down touchscreen, run the app."""

from __future__ import annotations

import logging
import os
import re
import sys

from kiosk.config import ConfigError, KioskConfig, build_parser, from_args

NIK_LIKE = re.compile(r"\b(\d{4})\d{8}(\d{4})\b")


class RedactNik(logging.Filter):
    """Mask anything that looks like a NIK in a log line, whatever logged it (3317********0001)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if NIK_LIKE.search(message):
            record.msg, record.args = NIK_LIKE.sub(r"\1********\2", message), None
        return True


def setup_logging() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactNik())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    # Kivy logs through this handler instead of adding its own coloured console (set before kivy is imported).
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")


def configure_kivy(config: KioskConfig, size: str | None = None) -> None:
    """Kivy settings that must be set before the window exists: full screen, no cursor, no exit on Escape,
    and one input provider per touch device (SDL's mouse events from touches would count every tap twice)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("SDL_TOUCH_MOUSE_EVENTS", "0")
    os.environ.setdefault("SDL_MOUSE_TOUCH_EVENTS", "0")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("graphics", "show_cursor", "0" if config.fullscreen else "1")
    Config.set("graphics", "fullscreen", "auto" if config.fullscreen else "0")
    Config.set("graphics", "rotation", str(config.rotation))
    Config.set("graphics", "borderless", "1" if config.fullscreen else "0")
    if size and not config.fullscreen:
        width, _, height = size.partition("x")
        Config.set("graphics", "width", width)
        Config.set("graphics", "height", height)
    Config.remove_section("input")
    Config.add_section("input")
    # The mouse only when no touch device is active, and no red multitouch dots from right clicks.
    Config.set("input", "mouse", "mouse,disable_on_activity,disable_multitouch")
    Config.set("input", "%(name)s", "probesysfs,provider=hidinput")


def install_exception_handler() -> None:
    """A bug in one screen must not leave a kiosk showing a desktop: log it and keep the app running
    (the resident sees the screen as it was; systemd would restart a crashed app anyway)."""
    from kivy.base import ExceptionHandler, ExceptionManager

    class LogAndContinue(ExceptionHandler):
        def handle_exception(self, inst: BaseException) -> int:
            if isinstance(inst, (KeyboardInterrupt, SystemExit)):
                return ExceptionManager.RAISE
            logging.getLogger("kiosk").exception("unexpected error, kiosk continues", exc_info=inst)
            return ExceptionManager.PASS

    ExceptionManager.add_handler(LogAndContinue())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging()
    try:
        config = from_args(args)
    except ConfigError as exc:
        logging.getLogger("kiosk").error("configuration: %s", exc)
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    if not config.token:
        logging.getLogger("kiosk").warning("no device token configured (token); the edge server will refuse")
    configure_kivy(config, args.size)
    install_exception_handler()
    from kiosk.app import KioskApp

    KioskApp(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
