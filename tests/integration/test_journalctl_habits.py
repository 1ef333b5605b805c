# SPDX-License-Identifier: MIT
"""journalctl habits (issue 17): -x, -k, -D DIR and --file as systemd 252's journalctl has them.

* -x (--catalog): under each entry of the short formats and verbose (not cat, json, export) the
  catalog text of its MESSAGE_ID from systemd's catalog database (/var/lib/systemd/catalog/database,
  present where the image has systemd's catalog), @FIELD@ replaced by the entry's field (its name
  when the entry has none), each line prefixed "░░ " in a UTF-8 locale and "-- " otherwise; no
  database: nothing added. Checked against the real journalctl 252 on a journal file the real
  journald 252 wrote (in a sandbox: own /run, own PID namespace) from entries sent with
  `logger --journald`, exported and imported into tinysd's store; and inside a container, where
  tinysd's systemctl says "See 'journalctl -xeu UNIT'".
* -k (--dmesg): the kernel's messages of this boot; a container's journal has none: "-- No
  entries --", exit status 0, as journalctl 252 on a journal without kernel messages.
* -D DIR also reads DIR's machine-id directories (`journalctl -D /var/log/journal`).
* --file takes a glob; one that matches nothing is tried as given ("Failed to open files: No such
  file or directory", exit 1).
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import run
from pid1 import MULTI_USER, started

REAL_JOURNALCTL = shutil.which("journalctl", path="/usr/bin:/bin")
JOURNALD = pathlib.Path("/lib/systemd/systemd-journald")
CATALOG_DB = pathlib.Path("/var/lib/systemd/catalog/database")
BWRAP = shutil.which("bwrap")
LOGGER = shutil.which("logger")

ENTRIES = [
    # a unit's start as systemd logs it (with the catalog's @UNIT@ and @JOB_ID@), a plain line, a
    # stop without the JOB_ID/JOB_RESULT the catalog text names
    "MESSAGE=Started foo.service - Foo.\nMESSAGE_ID=39f53479d3a045ac8e11786248231fbf\nUNIT=foo.service\nJOB_ID=42\n"
    "PRIORITY=6\nSYSLOG_IDENTIFIER=systemd\n",
    "MESSAGE=plain line\nPRIORITY=6\nSYSLOG_IDENTIFIER=foo\n",
    "MESSAGE=Stopped foo.service - Foo.\nMESSAGE_ID=9d1aaa27d60140bd96365438aad20286\nUNIT=foo.service\n"
    "PRIORITY=6\nSYSLOG_IDENTIFIER=systemd\n",
    "MESSAGE=unknown id\nMESSAGE_ID=0123456789abcdef0123456789abcdef\nPRIORITY=6\nSYSLOG_IDENTIFIER=foo\n",
]


def jctl(tinysd):
    p = pathlib.Path(tinysd).with_name("journalctl")
    if not p.exists():
        pytest.skip(f"{p} missing")
    return str(p)


@pytest.fixture(scope="module")
def real_journal(tmp_path_factory):
    """A journal file written by the real journald 252 (run in a sandbox) with ENTRIES."""
    if os.geteuid() != 0 or not (REAL_JOURNALCTL and JOURNALD.exists() and BWRAP and LOGGER and CATALOG_DB.exists()):
        pytest.skip("needs root, bwrap, logger and systemd 252's journald, journalctl and catalog database")
    out = tmp_path_factory.mktemp("real-journal")
    send = "\n".join(f"printf '%s' {shlex_quote(e)} | {LOGGER} --journald" for e in ENTRIES)
    script = f"""
{JOURNALD} >/out/journald.log 2>&1 & jd=$!
for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
{send}
sleep 0.5
kill $jd; wait $jd
cp /run/log/journal/*/system.journal /out/system.journal
"""
    r = subprocess.run([BWRAP, "--bind", "/", "/", "--tmpfs", "/run", "--tmpfs", "/var/log/journal", "--bind", str(out), "/out",
                        "--proc", "/proc", "--dev", "/dev", "--unshare-pid", "--die-with-parent", "/bin/sh", "-c", script],
                       capture_output=True, text=True, timeout=60)
    f = out / "system.journal"
    if not f.exists():
        pytest.skip(f"journald did not write a journal here: {r.stderr[-500:]}")
    return f


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


@pytest.fixture
def imported(tinysd, real_journal, tmp_path):
    exp = subprocess.run([REAL_JOURNALCTL, f"--file={real_journal}", "-o", "export"], capture_output=True, timeout=60)
    assert exp.returncode == 0
    d = tmp_path / "imported"
    subprocess.run([tinysd, "journal-import", "-D", str(d)], input=exp.stdout, check=True, timeout=60)
    return d


@pytest.mark.parametrize("args,env", [
    (("-x", "-o", "short-unix"), {}),
    (("--catalog", "-o", "short-unix"), {"LANG": "C.UTF-8"}),
    (("-x", "-o", "short-unix"), {"LANG": "C"}),           # not UTF-8: "-- " lines
    (("-x", "-o", "cat"), {}),                             # no catalog under cat
    (("-xe", "-u", "foo"), {}),
    (("-k",), {}),
    (("--dmesg", "-o", "cat"), {}),
])
def test_same_as_journalctl_252(tinysd, real_journal, imported, args, env):
    e = {"TZ": "UTC", **env}
    want = run([REAL_JOURNALCTL, f"--file={real_journal}", "--no-pager", *args], env=e)
    got = run([jctl(tinysd), "-D", str(imported), "--no-pager", *args], env=e)
    if args == ("-k",):
        assert want.stdout == "-- No entries --\n"
    if args[:2] == ("-x", "-o") and args[2] != "cat" or args[0] == "--catalog":
        assert "░░ Subject: " in want.stdout or "-- Subject: " in want.stdout, want.stdout
    assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr)


def catalog_lines(text):
    return [line for line in text.splitlines() if line.startswith("░░")]


def test_catalog_under_verbose_not_under_json(tinysd, real_journal, imported):
    """verbose: the same catalog lines (the entries' own lines differ in field order, a known
    difference of the import); json and export: none."""
    e = {"TZ": "UTC"}
    want = run([REAL_JOURNALCTL, f"--file={real_journal}", "--no-pager", "-x", "-o", "verbose"], env=e)
    got = run([jctl(tinysd), "-D", str(imported), "--no-pager", "-x", "-o", "verbose"], env=e)
    assert got.returncode == 0 and catalog_lines(got.stdout) == catalog_lines(want.stdout) != []
    for mode in ("json", "export"):
        got = run([jctl(tinysd), "-D", str(imported), "--no-pager", "-x", "-o", mode], env=e)
        assert got.returncode == 0 and "Subject:" not in got.stdout and "░░" not in got.stdout


def test_file_is_a_glob_as_in_journalctl(tinysd, imported, tmp_path):
    j = jctl(tinysd)
    got = run([j, "--file", f"{imported}/*.journal", "-o", "cat", "-n", "1"])
    assert got.returncode == 0 and got.stdout.strip(), got
    got = run([j, "--file", str(tmp_path / "none*.journal")])
    assert (got.returncode, got.stderr) == (1, "Failed to open files: No such file or directory\n"), got


# ---------------------------------------------------------------- in a container

HELLO = """
    [Unit]
    Description=Hello
    [Service]
    ExecStart=/bin/sh -c 'echo hello; exec sleep 3600'
    """


def test_in_a_container_xeu_k_and_directory(boot, tinysd):
    j = jctl(tinysd)      # the host's /usr/bin/journalctl is visible inside too: ours by its path
    binds = {str(CATALOG_DB): str(CATALOG_DB)} if CATALOG_DB.exists() else {}
    c = boot(units={"hello.service": HELLO}, enable=["hello.service"], binds=binds)
    c.wait_for(started("hello.service", "Hello"))
    c.wait_for(MULTI_USER)
    # what tinysd's systemctl status recommends
    r = c.exec([j, "-xeu", "hello.service", "--no-pager"])
    assert r.returncode == 0, r
    assert re.search(r" systemd\[1\]: Started hello\.service - Hello\.$", r.stdout, re.M), r.stdout
    if binds:
        assert "░░ Subject: A start job for unit hello.service has finished successfully\n" in r.stdout, r.stdout
        assert "░░ The job identifier is JOB_ID.\n" in r.stdout, r.stdout
    # -k: no kernel log in a container
    r = c.exec([j, "-k", "--no-pager"])
    assert (r.returncode, r.stdout, r.stderr) == (0, "-- No entries --\n", ""), r
    # -D on the store's parent: the machine-id directory is read
    for root in ("/var/log/journal", "/run/log/journal"):
        if list(c.path(root).glob("*/*.journal")):
            r = c.exec([j, "-D", root, "-u", "hello.service", "-o", "cat", "--no-pager"])
            assert r.returncode == 0 and "hello\n" in r.stdout, (root, r)
            break
    else:
        pytest.fail("no journal store in the container")
