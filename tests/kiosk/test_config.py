"""Kiosk configuration: TOML from provisioning, flags on top, every key defaulted and checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.config import ConfigError, KioskConfig, build_parser, from_args, from_mapping


def parse(argv: list[str], environ: dict[str, str] | None = None) -> KioskConfig:
    return from_args(build_parser().parse_args(argv), environ or {})


def test_every_key_has_a_working_default(tmp_path):
    empty = tmp_path / "kiosk.toml"
    empty.write_text("")
    config = parse(["--config", str(empty)])
    assert config == KioskConfig()
    assert config.idle_timeout == 45 and config.language == "id" and config.scanner == "keyboard"


def test_file_is_read_and_flags_override_it(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('edge_url = "http://10.0.0.2:8080"\ndevice_token = "from-file"\nprinter = "usb://0416:5011"\n'
                    'scanner = "evdev:auto"\npaper_width = 80\nidle_timeout = 60\nlanguage = "en"\nrotation = 90\n')
    config = parse(["--config", str(path), "--token", "from-flag", "--printer", "virtual:///tmp/r"])
    assert config.edge_url == "http://10.0.0.2:8080"
    assert config.token == "from-flag"
    assert config.printer == "virtual:///tmp/r"
    assert (config.scanner, config.paper_width, config.idle_timeout, config.language, config.rotation) == \
        ("evdev:auto", 80, 60, "en", 90)


def test_a_kiosk_table_is_accepted(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nedge_url = "http://edge.local:8080"\n')
    assert parse(["--config", str(path)]).edge_url == "http://edge.local:8080"


@pytest.mark.parametrize("key, value", [
    ("edge_url", "edge:8080"), ("paper_width", 57), ("idle_timeout", 2), ("language", "jv"),
    ("rotation", 45), ("printer", "lp0"), ("idle_timeout", "soon"), ("sound", "loud"),
])
def test_a_bad_value_is_refused_naming_its_key(key, value):
    with pytest.raises(ConfigError, match=rf"^config key '{key}': "):
        from_mapping({key: value})


@pytest.mark.parametrize("text", ["idle_timout = 30\n", "[kiosk]\nprinterr = 'usb://0416:5011'\n"])
def test_an_unknown_key_is_refused_naming_it(tmp_path, text):
    """One rule for every role: a typo in kiosk.toml is said at start-up, not silently ignored."""
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="unknown key"):
        parse(["--config", str(path)])


def test_unreadable_or_broken_file_says_which_file(tmp_path):
    broken = tmp_path / "kiosk.toml"
    broken.write_text("edge_url = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse(["--config", str(broken)])
    with pytest.raises(ConfigError, match="missing.toml does not exist"):
        parse(["--config", str(tmp_path / "missing.toml")])


def test_environment_overrides_the_file_for_tests(tmp_path):
    config = parse([], {"ANJUNGAN_KIOSK_IDLE_TIMEOUT": "30"})
    assert config.idle_timeout == 30


def test_help_and_a_config_error_from_the_command_line(tmp_path):
    help_text = subprocess.run([sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True,
                               check=False)
    assert help_text.returncode == 0
    for flag in ("--config", "--edge-url", "--token", "--printer", "--scanner"):
        assert flag in help_text.stdout
    bad = tmp_path / "kiosk.toml"
    bad.write_text("rotation = 45\n")
    run = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(bad)], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 2
    assert "rotation" in run.stderr
