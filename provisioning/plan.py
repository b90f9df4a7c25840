"""`python -m provisioning apply-plan ROLE`: carry out, on the target system, what a `--root` run recorded.

`provisioning edge|kiosk --root DIR` writes files into DIR but cannot make users, give files to them or start
services there; it records those steps in DIR/var/lib/anjungan/provisioning/ROLE-plan.json. Once DIR is the
running system (the SD card booted), this command makes the users, sets each file's owner and mode and runs the
commands in order; then it renames the plan to ROLE-plan.applied.json, so it is not carried out twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from provisioning.target import ProvisioningError, Target, plan_path
from provisioning.units import require_root

ROLES = ("edge", "kiosk", "display")


def load_plan(target: Target, role: str) -> tuple[Path, dict]:
    """:raises ProvisioningError: when there is no plan for ``role`` or it is not one."""
    if role not in ROLES:
        raise ProvisioningError(f"peran tidak dikenal / unknown role {role!r}: {', '.join(ROLES)}")
    path = target.path(plan_path(role))
    try:
        plan = json.loads(path.read_text())
    except FileNotFoundError:
        applied = path.with_name(f"{role}-plan.applied.json")
        if applied.is_file():
            raise ProvisioningError(f"rencana sudah dijalankan / the plan was already applied ({applied})") from None
        raise ProvisioningError(f"tidak ada rencana / no plan at {path}: jalankan dulu `provisioning {role} "
                                f"--root DIR` / run `provisioning {role} --root DIR` first") from None
    except (OSError, ValueError) as exc:
        raise ProvisioningError(f"rencana tidak terbaca / unreadable plan {path}: {exc}") from None
    if not isinstance(plan, dict) or plan.get("role") != role:
        raise ProvisioningError(f"{path} bukan rencana {role} / is not a {role} plan")
    return path, plan


def apply_plan(target: Target, role: str) -> int:
    """Users, then owners and modes, then commands. :returns: how many steps ran (or would run)."""
    if not target.is_host:
        raise ProvisioningError("apply-plan berjalan di sistem target itu sendiri (tanpa --root) / apply-plan runs "
                                "on the target system itself (no --root)")
    require_root(target)
    path, plan = load_plan(target, role)
    steps = 0
    for user in plan.get("users", []):
        target.ensure_user(user["name"], home=user["home"], groups=user.get("groups", []))
        steps += 1
    for entry in plan.get("files", []):
        system_path = entry["path"].rstrip("/") or "/"
        local = target.path(system_path)
        if not local.exists():
            target.say(f"  peringatan / warning: {system_path} tidak ada / does not exist")
            continue
        if target.dry_run:
            target.say(f"  akan diatur / would set: {system_path} {entry['owner']}:{entry['group']} {entry['mode']}")
        else:
            target._chown(local, entry["owner"], entry["group"])
            os.chmod(local, int(entry["mode"], 8))
        steps += 1
    for argv in plan.get("commands", []):
        target.run(argv)
        steps += 1
    if not target.dry_run:
        os.replace(path, path.with_name(f"{role}-plan.applied.json"))
        target.say(f"  rencana dijalankan / plan applied: {path.name} -> {role}-plan.applied.json")
    return steps
