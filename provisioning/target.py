"""The machine being set up: the running system (`--root /`) or a folder that will become one.

Every write goes through a :class:`Target`, which

- writes a file only when its content or mode differs (so a second run changes nothing that is already right),
- never touches the running system when the root is not ``/``: users, groups, file owners and the commands that
  would run (``useradd``, ``systemctl``, ``udevadm`` ...) are recorded in a plan file under the root instead,
- with ``dry_run`` writes nothing and runs nothing, and only says what it would do.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from anjungan_core.files import atomic_write

PLAN_DIR = "/var/lib/anjungan/provisioning"


class ProvisioningError(RuntimeError):
    """Something the technician must fix; the message says what, Indonesian first."""


@dataclass
class UserPlan:
    name: str
    home: str
    groups: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "system": True, "home": self.home, "shell": "/usr/sbin/nologin",
                "groups": sorted(self.groups)}


class Target:
    """Writes and commands for one provisioning run. See the module docstring."""

    def __init__(self, root: str | os.PathLike[str] = "/", *, dry_run: bool = False,
                 say: Callable[[str], None] = print,
                 runner: Callable[[Sequence[str]], subprocess.CompletedProcess[str]] | None = None) -> None:
        self.root = Path(root).resolve()
        self.dry_run = dry_run
        self.say = say
        self.changed = 0
        self.unchanged = 0
        self.planned = 0  # steps only recorded in the plan (outside the running system): neither done nor right
        self.plan_role = ""
        self._runner = runner or _run
        self._users: dict[str, UserPlan] = {}
        self._owners: dict[str, dict[str, str]] = {}
        self._commands: list[list[str]] = []

    # ----- where things are -----------------------------------------------------------------------------
    @property
    def is_host(self) -> bool:
        """True when the root is the running system, whose users and services we may change."""
        return self.root == Path("/")

    @property
    def live(self) -> bool:
        """True when commands really run (the running system, not a dry run)."""
        return self.is_host and not self.dry_run

    def path(self, system_path: str) -> Path:
        """Where ``system_path`` (as seen by the target system) is on this machine."""
        return self.root / system_path.lstrip("/")

    # ----- reporting ------------------------------------------------------------------------------------
    def _done(self, changed: bool, what: str) -> bool:
        if changed:
            self.changed += 1
            verb = "akan diubah / would change" if self.dry_run else "diubah / changed"
        else:
            self.unchanged += 1
            verb = "sudah benar / already right"
        self.say(f"  {verb}: {what}")
        return changed

    def _planned(self, what: str) -> None:
        self.planned += 1
        self.say(f"  dicatat di rencana / recorded in the plan: {what}")

    def summary(self) -> str:
        if self.dry_run:
            return (f"Uji coba (--dry-run): {self.changed} perubahan akan dibuat, tidak ada yang ditulis. / "
                    f"Dry run: {self.changed} changes would be made, nothing was written.")
        done = (f"Selesai: {self.changed} diubah, {self.unchanged} sudah benar. / "
                f"Done: {self.changed} changed, {self.unchanged} already right.")
        if not self.planned or not self.plan_role:
            return done
        return (f"{done}\n{self.planned} langkah (pengguna, pemilik berkas, layanan) belum dijalankan; setelah "
                f"{self.root} menjadi sistemnya, jalankan di sana / {self.planned} steps (users, file owners, "
                f"services) are not done yet; once {self.root} is the running system, run there:\n"
                f"  {apply_command(self.plan_role)}")

    # ----- files ----------------------------------------------------------------------------------------
    def write_file(self, system_path: str, content: str | bytes, *, mode: int = 0o644,
                   owner: str = "root", group: str = "root") -> bool:
        """Write ``content`` atomically with ``mode`` unless the file already holds exactly that.

        :returns: True when the file was (or, in a dry run, would be) written or its mode changed.
        """
        data = content.encode() if isinstance(content, str) else content
        path = self.path(system_path)
        current = _read_or_none(path)
        same = current == data and (path.stat().st_mode & 0o7777) == mode
        self._owners[system_path] = {"owner": owner, "group": group, "mode": f"{mode:04o}"}
        if not same and not self.dry_run:
            self._ensure_parent(path)
            atomic_write(path, data, mode)
        if self.live:
            self._chown(path, owner, group)
        return self._done(not same, f"{system_path} ({mode:04o})")

    def ensure_dir(self, system_path: str, *, mode: int = 0o755, owner: str = "root", group: str = "root") -> bool:
        path = self.path(system_path)
        same = path.is_dir() and (path.stat().st_mode & 0o7777) == mode
        self._owners[system_path.rstrip("/") + "/"] = {"owner": owner, "group": group, "mode": f"{mode:04o}"}
        if not same and not self.dry_run:
            self._ensure_parent(path)
            path.mkdir(exist_ok=True)
            path.chmod(mode)
        if self.live:
            self._chown(path, owner, group)
        return self._done(not same, f"{system_path}/ ({mode:04o})")

    def symlink(self, system_path: str, points_to: str) -> bool:
        """A symlink at ``system_path`` to ``points_to`` (a path on the target system, as systemctl makes)."""
        path = self.path(system_path)
        same = path.is_symlink() and os.readlink(path) == points_to
        if not same and not self.dry_run:
            self._ensure_parent(path)
            if path.is_symlink() or path.exists():
                path.unlink()
            path.symlink_to(points_to)
        return self._done(not same, f"{system_path} -> {points_to}")

    def _ensure_parent(self, path: Path) -> None:
        for parent in reversed(path.parents):
            if not parent.exists():
                parent.mkdir(mode=0o755)

    def _chown(self, path: Path, owner: str, group: str) -> None:
        try:
            uid, gid = pwd.getpwnam(owner).pw_uid, grp.getgrnam(group).gr_gid
        except KeyError as exc:
            raise ProvisioningError(f"pengguna/grup tidak ada / no such user or group: {exc}") from None
        stat = path.lstat()
        if (stat.st_uid, stat.st_gid) != (uid, gid):
            os.chown(path, uid, gid, follow_symlinks=False)

    # ----- users and commands -----------------------------------------------------------------------------
    def ensure_user(self, name: str, *, home: str, groups: Sequence[str] = ()) -> None:
        """A system user with its own group, no login shell, in ``groups`` (those that exist)."""
        self._users[name] = UserPlan(name, home, list(groups))
        if not self.is_host:
            self._planned(f"pengguna / user {name}")
            return
        exists = _user_exists(name)
        wanted = [g for g in groups if _group_exists(g)]
        missing = [g for g in wanted if not exists or g not in _groups_of(name)]
        for group in sorted(set(groups) - set(wanted)):
            self.say(f"  peringatan / warning: grup {group} tidak ada di sistem ini / group does not exist here")
        if not exists:
            self.run(["useradd", "--system", "--user-group", "--home-dir", home, "--no-create-home",
                      "--shell", "/usr/sbin/nologin", name])
        if missing:
            self.run(["usermod", "--append", "--groups", ",".join(missing), name])
        self._done(not exists or bool(missing), f"pengguna / user {name} (grup / groups: {', '.join(wanted)})")

    def run(self, argv: Sequence[str], *, needed: bool = True) -> None:
        """Run a command on the running system when ``needed``; elsewhere record it in the plan.

        :raises ProvisioningError: when the command fails (its own message included).
        """
        argv = list(argv)
        if not self.is_host:
            if argv not in self._commands:
                self._commands.append(argv)
                self._planned(shlex.join(argv))
            return
        if not needed:
            return
        if self.dry_run:
            self.say(f"  akan dijalankan / would run: {shlex.join(argv)}")
            return
        self.say(f"  menjalankan / running: {shlex.join(argv)}")
        result = self._runner(argv)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout or "").strip().splitlines()
            raise ProvisioningError(f"perintah gagal / command failed ({result.returncode}): {shlex.join(argv)}"
                                    + (f": {detail[-1]}" if detail else ""))

    def write_plan(self, role: str) -> None:
        """Outside the running system: write what the host must still do (users, owners, commands)."""
        if self.is_host:
            return
        self.plan_role = role
        plan = {
            "role": role,
            "note": f"Dibuat oleh `python -m provisioning` dengan --root; jalankan di sistem target: "
                    f"`{apply_command(role)}`. / Written by `python -m provisioning` with --root; carry it out on "
                    f"the target system with `{apply_command(role)}`.",
            "users": [user.to_json() for _, user in sorted(self._users.items())],
            "files": [{"path": path, **owner} for path, owner in sorted(self._owners.items())],
            "commands": self._commands,
        }
        self.write_file(plan_path(role), json.dumps(plan, indent=2, ensure_ascii=False) + "\n",
                        mode=0o600)


def plan_path(role: str) -> str:
    return f"{PLAN_DIR}/{role}-plan.json"


def apply_command(role: str) -> str:
    """The documented command that carries out a plan on the target system (docs/technician.md)."""
    return f"sudo python -m provisioning apply-plan {role}"


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=300, check=False)
    except FileNotFoundError:
        return subprocess.CompletedProcess(list(argv), 127, "", f"{argv[0]}: program tidak ada / not installed")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _groups_of(name: str) -> set[str]:
    return {g.gr_name for g in grp.getgrall() if name in g.gr_mem}
