# SPDX-License-Identifier: MIT
"""Every unit file of 74 Debian 12 packages (../shared/corpus) loads in tinysd: no crash, no load
failure, and no diagnostic at a place where the real systemd 252 says nothing.

The reference is tests/data/corpus-systemd-252.txt, made by tools/gen-corpus-warnings.py with
`systemd-analyze verify` of systemd 252 on the same files."""
import pathlib
import re

import pytest

from conftest import CORPUS, ROOT, run
from corpus_tools import materialize, unit_files

REFERENCE = ROOT / "tests/data/corpus-systemd-252.txt"


def reference_locations():
    """'pkg/path:line' and 'unit' keys where systemd 252 prints something."""
    locs = set()
    for line in REFERENCE.read_text().splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^(\S+?):(\d+): ", line)
        locs.add(f"{m.group(1)}:{m.group(2)}" if m else line.split(":", 1)[0])
    return locs


def packages():
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{CORPUS} absent (../shared not checked out)"))]
    return [pytest.param(p, id=p.name) for p in sorted(CORPUS.iterdir()) if p.is_dir()]


@pytest.mark.parametrize("pkg", packages())
def test_package_loads_like_systemd(tinysd, pkg, tmp_path):
    root = materialize([pkg], tmp_path / "root")
    files = unit_files(root)
    if not files:
        pytest.skip(f"{pkg.name} ships no unit files")
    r = run([tinysd, "verify", "--no-exec-check"] + [str(f) for f in files], timeout=300)
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    assert r.returncode == 0, f"{pkg.name}: a unit failed to load:\n{r.stderr}"
    allowed = reference_locations()
    unexpected = []
    for line in r.stderr.splitlines():
        line = line.replace(str(root) + "/", f"{pkg.name}/")
        m = re.match(r"^(\S+?):(\d+): ", line)
        key = f"{m.group(1)}:{m.group(2)}" if m else line.split(":", 1)[0]
        if key not in allowed:
            unexpected.append(line)
    assert not unexpected, "diagnostics systemd 252 does not give:\n" + "\n".join(unexpected)


def test_whole_corpus_in_one_root(tinysd, corpus, tmp_path):
    """All packages unpacked into one root, as on a real system: `verify --root` loads every unit
    (aliases, masks, .wants links across packages) without a load failure or crash."""
    root = materialize(sorted(p for p in corpus.iterdir() if p.is_dir()), tmp_path / "root")
    r = run([tinysd, "verify", "--no-exec-check", "--root", str(root)], timeout=300)
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    assert r.returncode == 0, r.stderr
