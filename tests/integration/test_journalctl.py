# SPDX-License-Identifier: MIT
"""tinysd's journalctl on entries imported with `tinysd journal-import -D DIR` (export format).

Every test uses a temporary directory through -D, never the host journal. A journal file written
by Debian's systemd-journald 252 (the `journald_sample` fixture: tools/journald-sample.sh) is read
by both journalctls with --file= and the outputs compared; and the same data, exported by the real
journalctl and imported into tinysd's store, likewise."""
import json
import os
import pathlib
import re
import shutil
import struct
import subprocess
import time

import pytest

from conftest import run

BOOT1 = "11111111111111111111111111111111"
BOOT2 = "22222222222222222222222222222222"
T0 = 1700000000 * 1000000  # 2023-11-14 22:13:20 UTC
REAL_JOURNALCTL = shutil.which("journalctl", path="/usr/bin:/bin")


def journalctl(tinysd):
    """The journalctl name of the binary under test (a symlink next to it, or made here)."""
    p = pathlib.Path(tinysd).with_name("journalctl")
    if not p.exists():
        pytest.skip(f"{p} missing")
    return str(p)


def export_entry(fields, rt, mono=1000, boot=BOOT1):
    out = [f"__REALTIME_TIMESTAMP={rt}".encode(), f"__MONOTONIC_TIMESTAMP={mono}".encode(),
           f"_BOOT_ID={boot}".encode()]
    for k, v in fields:
        v = v.encode() if isinstance(v, str) else v
        if b"\n" in v or any(c < 32 for c in v) or not _utf8(v):
            out.append(k.encode() + b"\n" + struct.pack("<Q", len(v)) + v)
        else:
            out.append(k.encode() + b"=" + v)
    return b"\n".join(out) + b"\n\n"


def _utf8(b):
    try:
        b.decode()
        return True
    except UnicodeDecodeError:
        return False


def base_fields(unit, msg, pid, prio=6, ident=None):
    return [("_HOSTNAME", "box"), ("_SYSTEMD_UNIT", unit), ("_PID", str(pid)), ("_UID", "0"),
            ("_COMM", ident or unit.split(".")[0]), ("SYSLOG_IDENTIFIER", ident or unit.split(".")[0]),
            ("PRIORITY", str(prio)), ("_TRANSPORT", "stdout"), ("MESSAGE", msg)]


def sample_data():
    data = b""
    for i in range(30):
        unit = ["web.service", "db.service", "cron.service"][i % 3]
        boot = BOOT1 if i < 20 else BOOT2
        data += export_entry(base_fields(unit, f"line {i} from {unit}", 100 + i % 3, prio=i % 8), T0 + i * 1000000,
                             mono=5000000 + i, boot=boot)
    # PID 1's message about web.service, a multi-line message, binary data, a repeated field
    data += export_entry([("_HOSTNAME", "box"), ("_PID", "1"), ("_UID", "0"), ("_COMM", "tinysd"),
                          ("SYSLOG_IDENTIFIER", "tinysd"), ("UNIT", "web.service"), ("PRIORITY", "6"),
                          ("MESSAGE", "Started web.service - Web.")], T0 + 30000000, boot=BOOT2)
    data += export_entry(base_fields("db.service", "first\nsecond\nthird", 101), T0 + 31000000, boot=BOOT2)
    data += export_entry(base_fields("db.service", b"bin\x00ary\xff", 101) + [("BLOB", b"\x01\x02")],
                         T0 + 32000000, boot=BOOT2)
    data += export_entry(base_fields("cron.service", "tabs\there", 102) + [("TAG", "a"), ("TAG", "b")],
                         T0 + 33000000, boot=BOOT2)
    return data


@pytest.fixture
def jdir(tinysd, tmp_path):
    d = tmp_path / "journal"
    p = subprocess.run([tinysd, "journal-import", "-D", str(d)], input=sample_data(), capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return d


def jc(tinysd, jdir, *args, env=None):
    e = {"TZ": "UTC"}
    if env:
        e.update(env)
    # raw values (-o cat) may be any bytes
    return run([journalctl(tinysd), "-D", str(jdir), *args], env=e, errors="surrogateescape")


def lines(p):
    return p.stdout.splitlines()


def test_import_and_default_output(tinysd, jdir):
    p = jc(tinysd, jdir, "--no-pager")
    assert p.returncode == 0, p.stderr
    out = lines(p)
    assert out[0] == "Nov 14 22:13:20 box web[100]: line 0 from web.service"
    assert "-- Boot 22222222222222222222222222222222 --" in out
    # multi-line messages are indented under the first line; tabs become 8 spaces; blobs are summarized
    i = out.index("Nov 14 22:13:51 box db[101]: first")
    assert out[i + 1] == " " * len("Nov 14 22:13:51 box db[101]: ") + "second"
    assert "Nov 14 22:13:52 box db[101]: [8B blob data]" in out
    assert "Nov 14 22:13:53 box cron[102]: tabs        here" in out
    assert out[-1].endswith("tabs        here")


def test_lines_reverse_pager_end(tinysd, jdir):
    assert len(lines(jc(tinysd, jdir, "-n", "3", "-b", "all"))) == 3 + 2  # 2 continuation lines
    p = jc(tinysd, jdir, "-n", "2", "-b", "all")
    assert lines(p) == ["Nov 14 22:13:52 box db[101]: [8B blob data]",
                        "Nov 14 22:13:53 box cron[102]: tabs        here"]
    assert lines(jc(tinysd, jdir, "-n"))[-1].endswith("tabs        here")
    assert len([l for l in lines(jc(tinysd, jdir, "-n")) if "box" in l]) == 10
    r = lines(jc(tinysd, jdir, "-r", "-n", "2"))
    assert r[0].endswith("tabs        here") and r[1].endswith("[8B blob data]")
    assert lines(jc(tinysd, jdir, "-n", "0")) == ["-- No entries --"]
    # -e: the last 1000 of the newest boot
    e = lines(jc(tinysd, jdir, "-e"))
    assert e[0] == "Nov 14 22:13:40 box cron[102]: line 20 from cron.service"
    p = jc(tinysd, jdir, "-n", "bogus")
    assert p.returncode == 1 and p.stderr == "Failed to add match 'bogus': Invalid argument\n"


def test_units_identifiers_priorities(tinysd, jdir):
    out = lines(jc(tinysd, jdir, "-u", "web", "-o", "cat"))
    assert out == [f"line {i} from web.service" for i in range(0, 30, 3)] + ["Started web.service - Web."]
    out = lines(jc(tinysd, jdir, "-u", "db.service", "-u", "cron*", "-o", "json", "-n", "all"))
    assert len(out) == 12 + 11 and {json.loads(l)["_SYSTEMD_UNIT"] for l in out} == {"db.service", "cron.service"}
    out = lines(jc(tinysd, jdir, "-t", "tinysd", "-o", "cat"))
    assert out == ["Started web.service - Web."]
    out = lines(jc(tinysd, jdir, "-p", "err", "-o", "cat"))
    assert out == [f"line {i} from {['web', 'db', 'cron'][i % 3]}.service" for i in range(30) if i % 8 <= 3]
    out = lines(jc(tinysd, jdir, "-p", "warning..err", "-o", "cat"))
    assert out == [f"line {i} from {['web', 'db', 'cron'][i % 3]}.service" for i in range(30) if i % 8 in (3, 4)]
    assert lines(jc(tinysd, jdir, "-p", "4..3", "-o", "cat")) == out
    assert lines(jc(tinysd, jdir, "-p", "7", "-o", "cat", "-n", "3")) == lines(jc(tinysd, jdir, "-o", "cat", "-n", "3"))
    assert lines(jc(tinysd, jdir, "_PID=1", "-o", "cat")) == ["Started web.service - Web."]
    assert len(lines(jc(tinysd, jdir, "_PID=100", "_PID=102", "-o", "cat"))) == 21
    assert len(lines(jc(tinysd, jdir, "_PID=100", "PRIORITY=0", "-o", "cat"))) == 2
    for args, err in ((("-p", "bogus"), "Unknown log level bogus\n"),
                      (("-p", "err..bogus"), "Failed to parse log level range err..bogus\n"),
                      (("-u",), None)):
        p = jc(tinysd, jdir, *args)
        assert p.returncode == 1
        if err:
            assert p.stderr == err
    p = jc(tinysd, jdir, "-u", "nothing.service")
    assert p.returncode == 0 and p.stdout == "-- No entries --\n"


def test_time_ranges_and_boots(tinysd, jdir):
    cat = ("-o", "cat", "-b", "all")
    assert lines(jc(tinysd, jdir, "--since", "2023-11-14 22:13:45", "--until", "2023-11-14 22:13:47", *cat)) == \
        ["line 25 from db.service", "line 26 from cron.service", "line 27 from web.service"]
    assert lines(jc(tinysd, jdir, "-S", "@1700000028", "-n", "2", *cat)) == \
        ["line 28 from db.service", "line 29 from cron.service"]
    assert lines(jc(tinysd, jdir, "-U", "@1700000001", *cat)) == ["line 0 from web.service", "line 1 from db.service"]
    assert jc(tinysd, jdir, "--since", "-1h").stdout == "-- No entries --\n"  # the data is from 2023
    assert jc(tinysd, jdir, "--since", "today").returncode == 0
    assert jc(tinysd, jdir, "--since", "yesterday", "--until", "now").returncode == 0
    assert jc(tinysd, jdir, "--since", "+5min").stdout == "-- No entries --\n"
    p = jc(tinysd, jdir, "--since", "garbage")
    assert (p.returncode, p.stderr) == (1, "Failed to parse timestamp: garbage\n")
    p = jc(tinysd, jdir, "--since", "2030-01-01", "--until", "2020-01-01")
    assert (p.returncode, p.stderr) == (1, "--since= must be before --until=.\n")

    p = jc(tinysd, jdir, "--list-boots")
    assert lines(p) == [
        "IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY",
        " -1 11111111111111111111111111111111 Tue 2023-11-14 22:13:20 UTC Tue 2023-11-14 22:13:39 UTC",
        "  0 22222222222222222222222222222222 Tue 2023-11-14 22:13:40 UTC Tue 2023-11-14 22:13:53 UTC"]
    assert lines(jc(tinysd, jdir, "--list-boots", "-q"))[0].startswith("-1 1111")
    assert len(lines(jc(tinysd, jdir, "-b", "-o", "cat", "-n", "all"))) == 14 + 2
    assert lines(jc(tinysd, jdir, "-b", "-1", "-o", "cat"))[-1] == "line 19 from db.service"
    assert lines(jc(tinysd, jdir, "-b", "1", "-o", "cat"))[0] == "line 0 from web.service"
    assert lines(jc(tinysd, jdir, "-b", BOOT1, "-o", "cat"))[-1] == "line 19 from db.service"
    p = jc(tinysd, jdir, "-b", "-5")
    assert (p.returncode, p.stderr) == (1, "Data from the specified boot (-5) is not available: No such boot ID in journal\n")


def test_grep(tinysd, jdir):
    p = jc(tinysd, jdir, "-g", "LINE 2[0-9]", "-o", "cat", "-b", "all")  # uppercase: case-sensitive
    assert p.returncode == 1 and p.stdout == ""
    p = jc(tinysd, jdir, "-g", "line 2[0-9]", "-o", "cat", "-b", "all", "--no-pager")
    assert lines(p) == [f"line {i} from {['web', 'db', 'cron'][i % 3]}.service" for i in range(20, 30)]
    p = jc(tinysd, jdir, "-g", "STARTED", "--case-sensitive=no", "-o", "cat")
    assert lines(p) == ["Started web.service - Web."]
    # with -n, newest first (journalctl implies --reverse)
    assert lines(jc(tinysd, jdir, "-g", "line", "-n", "2", "-o", "cat")) == \
        ["line 29 from cron.service", "line 28 from db.service"]
    p = jc(tinysd, jdir, "-g", "(")
    assert p.returncode == 1 and p.stderr.startswith('Bad pattern "(": ')
    p = jc(tinysd, jdir, "-g", "nomatch")
    assert (p.returncode, p.stdout) == (1, "-- No entries --\n")


def test_output_modes(tinysd, jdir):
    last = ("-n", "1", "-u", "cron.service")
    assert lines(jc(tinysd, jdir, *last, "-o", "short-iso")) == ["2023-11-14T22:13:53+0000 box cron[102]: tabs        here"]
    assert lines(jc(tinysd, jdir, *last, "-o", "short-precise")) == ["Nov 14 22:13:53.000000 box cron[102]: tabs        here"]
    assert lines(jc(tinysd, jdir, *last, "-o", "short-monotonic")) == ["[    0.001000] box cron[102]: tabs        here"]
    assert lines(jc(tinysd, jdir, *last, "-o", "short-full")) == ["Tue 2023-11-14 22:13:53 UTC box cron[102]: tabs        here"]
    assert lines(jc(tinysd, jdir, *last, "--no-hostname")) == ["Nov 14 22:13:53 cron[102]: tabs        here"]
    assert jc(tinysd, jdir, *last, "-o", "cat").stdout == "tabs\there\n"
    v = lines(jc(tinysd, jdir, *last, "-o", "verbose"))
    assert v[0].startswith("Tue 2023-11-14 22:13:53.000000 UTC [s=")
    assert "    TAG=a" in v and "    TAG=b" in v and "    MESSAGE=tabs\there" in v
    j = json.loads(jc(tinysd, jdir, *last, "-o", "json").stdout)
    assert j["TAG"] == ["a", "b"] and j["MESSAGE"] == "tabs\there" and j["_BOOT_ID"] == BOOT2
    assert j["__REALTIME_TIMESTAMP"] == str(T0 + 33000000) and j["__MONOTONIC_TIMESTAMP"] == "1000"
    pretty = jc(tinysd, jdir, *last, "-o", "json-pretty").stdout
    assert pretty.startswith("{\n\t\"__CURSOR\" : \"s=") and pretty.endswith("\n}\n")
    assert json.loads(pretty) == j
    b = json.loads(jc(tinysd, jdir, "-n", "2", "-o", "json").stdout.splitlines()[0])
    assert b["MESSAGE"] == list(b"bin\x00ary\xff") and b["BLOB"] == [1, 2]
    v = lines(jc(tinysd, jdir, "-n", "2", "-o", "verbose"))
    assert "    MESSAGE=[8B blob data]" in v and "    BLOB=[2B blob data]" in v
    ex = subprocess.run([journalctl(tinysd), "-D", str(jdir), "-n", "2", "-o", "export"], capture_output=True, timeout=60)
    assert b"\nMESSAGE\n" + struct.pack("<Q", 8) + b"bin\x00ary\xff\n" in ex.stdout
    assert b"\nTAG=a\nTAG=b\n" in ex.stdout and ex.stdout.endswith(b"\n\n")
    # the export output imports back to the same entries
    d2 = pathlib.Path(str(jdir) + "-copy")
    subprocess.run([tinysd, "journal-import", "-D", str(d2)], input=ex.stdout, check=True, timeout=60)
    j1 = [json.loads(l) for l in jc(tinysd, jdir, "-n", "2", "-o", "json").stdout.splitlines()]
    j2 = [json.loads(l) for l in jc(tinysd, d2, "-o", "json", "-b", "all").stdout.splitlines()]
    for x in j1 + j2:
        del x["__CURSOR"]
    assert j1 == j2
    p = jc(tinysd, jdir, "-o", "bogus")
    assert (p.returncode, p.stderr) == (1, "Unknown output format 'bogus'.\n")
    assert jc(tinysd, jdir, "-u", "x", "-o", "json").stdout == ""  # json modes are quiet


def test_fields_usage_vacuum(tinysd, jdir, tmp_path):
    # newest value first, as journalctl 252 walks a field's values
    assert lines(jc(tinysd, jdir, "-F", "_SYSTEMD_UNIT")) == ["cron.service", "db.service", "web.service"]
    assert "TAG" in lines(jc(tinysd, jdir, "-N"))
    p = jc(tinysd, jdir, "--disk-usage")
    assert p.returncode == 0
    assert p.stdout.startswith("Archived and active journals take up ") and p.stdout.endswith(" in the file system.\n")
    p = jc(tinysd, jdir, "--vacuum-size=1")
    assert p.returncode == 0 and p.stderr == f"Vacuuming done, freed 0B of archived journals from {jdir}.\n"
    # an archived file (rename the active one as a rotation would) is deleted by --vacuum-time/-size
    active = jdir / "system.journal"
    arch = jdir / ("system@" + "0" * 32 + "-0000000000000001-0000000000000001.journal")
    active.rename(arch)
    assert len(lines(jc(tinysd, jdir, "-o", "cat", "-b", "all"))) == 34 + 2
    p = jc(tinysd, jdir, "--vacuum-time=1s")
    assert p.returncode == 0
    assert p.stderr.startswith(f"Deleted archived journal {arch} (")
    assert p.stderr.splitlines()[-1].startswith("Vacuuming done, freed ")
    assert not arch.exists()
    p = jc(tinysd, jdir, "--vacuum-size=abc")
    assert (p.returncode, p.stderr) == (1, "Failed to parse vacuum size: abc\n")
    p = jc(tinysd, jdir, "--vacuum-time=abc")
    assert (p.returncode, p.stderr) == (1, "Failed to parse vacuum time: abc\n")


def test_cli_errors_help_version(tinysd, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    j = journalctl(tinysd)
    p = run([j, "-D", str(empty)])
    assert (p.returncode, p.stdout, p.stderr) == (0, "-- No entries --\n", "No journal files were found.\n")
    p = run([j, "-D", str(empty), "-q"])
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    p = run([j, "-D", str(tmp_path / "missing")])
    assert (p.returncode, p.stderr) == (1, f"Failed to open {tmp_path / 'missing'}: No such file or directory\n")
    p = run([j, "--foo"])
    assert (p.returncode, p.stderr) == (1, f"{j}: unrecognized option '--foo'\n")
    p = run([j, "-Z"])
    assert (p.returncode, p.stderr) == (1, f"{j}: invalid option -- 'Z'\n")
    p = run([j, "-D", str(empty), "-f", "-r"])
    assert (p.returncode, p.stderr) == (1, "Please specify either --reverse= or --follow=, not both.\n")
    p = run([j, "-D", str(empty), "--disk-usage", "extra"])
    assert (p.returncode, p.stderr) == (1, "Extraneous arguments starting with 'extra'\n")
    p = run([j, "-h"])
    assert p.returncode == 0 and p.stdout.startswith("journalctl [OPTIONS...] [MATCHES...]\n")
    p = run([j, "--version"])
    assert p.returncode == 0 and p.stdout.startswith("systemd 252")


def test_follow(tinysd, jdir):
    e = dict(os.environ, TZ="UTC")
    proc = subprocess.Popen([journalctl(tinysd), "-D", str(jdir), "-f", "-o", "cat", "-n", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    try:
        os.set_blocking(proc.stdout.fileno(), False)
        got = b""
        deadline = time.time() + 10
        while b"tabs" not in got and time.time() < deadline:
            got += proc.stdout.read() or b""
            time.sleep(0.05)
        assert got == b"tabs\there\n"
        subprocess.run([tinysd, "journal-import", "-D", str(jdir)], check=True, timeout=60,
                       input=export_entry(base_fields("web.service", "followed", 100), T0 + 40000000, boot=BOOT2))
        deadline = time.time() + 10
        while b"followed" not in got and time.time() < deadline:
            got += proc.stdout.read() or b""
            time.sleep(0.05)
        assert got == b"tabs\there\nfollowed\n"
    finally:
        proc.kill()
        proc.wait()


SAME_ARGS = [
    ("-n", "all", "-o", "short"), ("-n", "all", "-o", "short-iso"), ("-n", "all", "-o", "short-precise"),
    ("-n", "all", "-o", "short-monotonic"), ("-n", "all", "-o", "cat"), ("-n", "all", "-o", "short-full"),
    ("-n", "50", "-o", "export"), ("-n", "all", "-o", "verbose"), ("-u", "systemd-journald"), ("-u", "systemd-l*"),
    ("-t", "systemd", "-n", "20"), ("-t", "webapp", "-t", "nativeapp"), ("-p", "err"), ("-p", "4..6", "-n", "30"),
    ("-r", "-n", "7"), ("-g", "start", "-n", "5"), ("-g", "query 1"), ("--list-boots",), ("-b", "-1"), ("-b",),
    ("_PID=1", "-n", "4"), ("_TRANSPORT=syslog", "PRIORITY=3"), ("--no-hostname", "-n", "3"), ("-u", "nothing"),
    ("-p", "bogus"), ("-F", "SYSLOG_IDENTIFIER"), ("-F", "PRIORITY"), ("-N",), ("-a", "-o", "json", "-n", "5"),
]


def _norm_cursor(s):
    return re.sub(r"s=[0-9a-f]+;i=[0-9a-f]+;(.*?);x=[0-9a-f]+", r"\1", s)


def _json_objects(s):
    return [json.loads(line) for line in s.splitlines()]


@pytest.mark.skipif(not REAL_JOURNALCTL, reason="Debian's journalctl is not installed")
@pytest.mark.parametrize("args", SAME_ARGS)
def test_same_as_systemd_on_its_file(tinysd, journald_sample, args):
    """Both journalctls read the file journald wrote (keyed hashes, compact items, zstd flag)."""
    e = {"TZ": "UTC"}
    want = run([REAL_JOURNALCTL, f"--file={journald_sample}", *args], env=e, errors="surrogateescape")
    got = run([journalctl(tinysd), f"--file={journald_sample}", *args], env=e, errors="surrogateescape")
    if "json" in args:   # 252 orders JSON keys by a randomly keyed hashmap
        assert (got.returncode, _json_objects(got.stdout), got.stderr) == \
            (want.returncode, _json_objects(want.stdout), want.stderr)
    else:
        assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr)


@pytest.mark.skipif(not REAL_JOURNALCTL, reason="Debian's journalctl is not installed")
@pytest.mark.parametrize("args", [a for a in SAME_ARGS if not {"-F", "-N", "verbose", "export"} & set(a)])
def test_same_as_systemd(tinysd, tmp_path, journald_sample, args):
    """The real journalctl on journald's file and ours on the same entries imported (cursors
    differ: the import writes a sequence of its own; so does the order of an entry's fields, which
    follows the order the file's data objects were made in: -F, -N, verbose and export are compared
    on journald's file above)."""
    d = tmp_path / "imported"
    exp = subprocess.run([REAL_JOURNALCTL, f"--file={journald_sample}", "-o", "export"], capture_output=True, timeout=120)
    assert exp.returncode == 0
    subprocess.run([tinysd, "journal-import", "-D", str(d)], input=exp.stdout, check=True, timeout=120)
    e = {"TZ": "UTC"}
    want = run([REAL_JOURNALCTL, f"--file={journald_sample}", *args], env=e, errors="surrogateescape")
    got = run([journalctl(tinysd), "-D", str(d), *args], env=e, errors="surrogateescape")
    if "json" in args:
        strip = lambda objs: [{k: v for k, v in o.items() if k != "__CURSOR"} for o in objs]  # noqa: E731
        assert (got.returncode, strip(_json_objects(got.stdout)), got.stderr) == \
            (want.returncode, strip(_json_objects(want.stdout)), want.stderr)
    else:
        assert (got.returncode, _norm_cursor(got.stdout), got.stderr) == \
            (want.returncode, _norm_cursor(want.stdout), want.stderr)
