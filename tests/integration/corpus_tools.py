# SPDX-License-Identifier: MIT
"""The ../shared corpus stores each symlink of a Debian package as a small regular file whose
content is the link target (e.g. "../ssh.service", "/dev/null"). materialize() copies packages
into a directory tree and turns those back into real symlinks, so the tree is what dpkg would
have unpacked."""
import os
import pathlib
import shutil

UNIT_SUFFIXES = (".service", ".socket", ".timer", ".path", ".target", ".mount", ".automount",
                 ".swap", ".slice", ".scope", ".device")
UNIT_DIRS = ("lib/systemd/system", "usr/lib/systemd/system", "etc/systemd/system")


def link_target(path: pathlib.Path):
    """The symlink target a stored link-file stands for, or None for an ordinary file."""
    if path.stat().st_size > 256:
        return None
    text = path.read_bytes()
    if b"\n" in text.rstrip(b"\n") or b"=" in text or b"[" in text or not text.strip():
        return None
    t = text.decode(errors="replace").strip()
    if t == "/dev/null" or t.startswith("/") or t.startswith("../") or t.endswith(UNIT_SUFFIXES):
        return t
    return None


def materialize(packages, dest: pathlib.Path):
    dest.mkdir(parents=True, exist_ok=True)
    for pkg in packages:
        pkg = pathlib.Path(pkg)
        for src in sorted(pkg.rglob("*")):
            rel = src.relative_to(pkg)
            if rel.name == ".version":
                continue
            out = dest / rel
            if src.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.exists() or out.is_symlink():
                out.unlink()
            in_unit_dir = any(str(rel).startswith(d + "/") for d in UNIT_DIRS)
            target = link_target(src) if in_unit_dir else None
            if target:
                os.symlink(target, out)
            else:
                shutil.copyfile(src, out)
    return dest


def unit_files(root: pathlib.Path):
    """Every unit file (not links, not inside .wants/.requires/.d dirs) under root's unit dirs."""
    out = []
    for d in UNIT_DIRS:
        base = root / d
        if not base.is_dir():
            continue
        for p in sorted(base.iterdir()):
            if p.is_symlink() or not p.is_file() or not p.name.endswith(UNIT_SUFFIXES):
                continue
            out.append(p)
    return out
