# SPDX-License-Identifier: MIT
"""systemd 252's own integration test scripts under tinysd and under the real systemd 252 (issue 20).

tests/conformance/run.py fetches Debian's systemd-tests package of the installed release (cached
under /var/tmp/tinysd-conformance, never in the repository), boots each script that applies to a
container manager (tests/conformance/scripts.txt names the others and why) in a container whose PID 1
is tinysd (the normal build), and the same with the host's systemd 252 as PID 1, and prints the table
script | systemd 252 | tinysd with run times.

The rule: a script that the real systemd passes in the sandbox passes under tinysd. The scripts that
do not yet are listed with the reason in tests/conformance/known-failures.txt; each of them must still
fail under tinysd (so that the list shrinks as they are fixed); one that systemd fails in a run (its
timings depend on the machine's load) is reported, not failed. Skipped without root, bwrap, overlayfs, or the package (no archive to fetch it from)."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
TINYSD = os.environ.get("TINYSD", str(HERE.parents[1] / "build" / "tinysd"))   # the normal build only
RUNNER = HERE.parent / "conformance" / "run.py"
KNOWN = HERE.parent / "conformance" / "known-failures.txt"
SYSTEMD = "/usr/lib/systemd/systemd"


def known_failures():
    out = {}
    for line in KNOWN.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            nn, _, why = line.partition(" ")
            out[nn] = why.strip()
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if os.geteuid() != 0 or not shutil.which("bwrap") or not shutil.which("unshare"):
        pytest.skip("needs root, bwrap and unshare")
    if not os.path.exists(SYSTEMD):
        pytest.skip("no systemd 252 to compare with")
    with open("/proc/filesystems") as f:
        if "overlay" not in f.read():
            pytest.skip("no overlayfs")
    out = tmp_path_factory.mktemp("conformance") / "results.json"
    only = os.environ.get("TINYSD_CONFORMANCE_ONLY")   # e.g. "07,48": a few scripts while working on them
    r = subprocess.run(["/usr/bin/python3", str(RUNNER), f"--impl=tinysd={TINYSD}", "--impl=systemd",
                        "--timeout=120", "--jobs=2", f"--json={out}"] + ([f"--only={only}"] if only else []),
                       capture_output=True, text=True, timeout=3000)
    print(r.stdout[-20000:])
    if r.returncode != 0 and "apt-get" in r.stderr and not out.exists():
        pytest.skip("the systemd-tests package could not be fetched:\n" + r.stderr[-2000:])
    assert r.returncode == 0, r.stderr[-5000:]
    return json.loads(out.read_text())


def test_tinysd_passes_what_systemd_passes(results):
    by = {(r["script"], r["impl"]): r for r in results["results"]}
    known = known_failures()
    scripts = sorted({r["script"] for r in results["results"]})
    regressions, fixed, misplaced = [], [], []
    for nn in scripts:
        sd, ts = by[(nn, "systemd")], by[(nn, "tinysd")]
        if sd["passed"] and not ts["passed"] and nn not in known:
            regressions.append(f"testsuite-{nn}: {ts['why']}")
        if known.get(nn, "").startswith("intermittent:"):
            # a defect that shows in some runs only: reported either way, asserted neither way
            misplaced.append(f"testsuite-{nn} (intermittent) {'passed' if ts['passed'] else 'failed: ' + ts['why']}")
            continue
        if nn in known and ts["passed"]:
            fixed.append(f"testsuite-{nn} passes now: remove it from known-failures.txt")
        if nn in known and not sd["passed"]:
            misplaced.append(f"testsuite-{nn} fails under systemd 252 too in this run ({sd['why']})")
    # The reference's own results depend on the machine (systemd 252 timed out on 15 and 26 on a loaded
    # machine and passed them on a quiet one): a listed script that systemd failed in this run is reported,
    # not failed; what tinysd does is asserted either way.
    print("\n".join(misplaced))
    assert not regressions + fixed, "\n".join(regressions + fixed)
