# SPDX-License-Identifier: MIT
"""`tinysd verify` and `tinysd dump` from the outside: exit codes and diagnostics in systemd's
words, with file:line and directive."""
import textwrap

from conftest import run


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip())
    return p


def test_good_unit_exits_0(tinysd, tmp_path):
    p = write(tmp_path, "ok.service", """
        [Unit]
        Description=ok
        [Service]
        ExecStart=/bin/true
        """)
    r = run([tinysd, "verify", str(p)])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_unknown_key_is_a_warning(tinysd, tmp_path):
    p = write(tmp_path, "w.service", """
        [Service]
        ExecStart=/bin/true
        Frobnicate=yes
        """)
    r = run([tinysd, "verify", str(p)])
    assert r.returncode == 0
    assert f"{p}:3: Unknown key 'Frobnicate' in section [Service], ignoring." in r.stderr


def test_invalid_value_names_file_line_directive(tinysd, tmp_path):
    p = write(tmp_path, "v.service", """
        [Service]
        ExecStart=/bin/true
        TimeoutStopSec=ten seconds
        """)
    r = run([tinysd, "verify", str(p)])
    assert r.returncode == 0, "an invalid value is ignored, as systemd does"
    # systemd 252's exact words (systemd-analyze verify prints the same line); the line number
    # names the directive
    assert f"{p}:3: Failed to parse time value, ignoring: ten seconds" in r.stderr


def test_bad_setting_exits_1(tinysd, tmp_path):
    p = write(tmp_path, "two.service", """
        [Service]
        ExecStart=/bin/true
        ExecStart=/bin/false
        """)
    r = run([tinysd, "verify", str(p)])
    assert r.returncode == 1
    assert "more than one ExecStart=" in r.stderr


def test_missing_unit_exits_1(tinysd, tmp_path):
    r = run([tinysd, "verify", "--root", str(tmp_path), "nonexistent.service"])
    assert r.returncode == 1
    assert "nonexistent.service" in r.stderr


def test_hostile_files_do_not_crash(tinysd, tmp_path):
    """A directory named like a unit, a symlink loop, an unreadable FIFO, a 1 MB line, a huge
    sparse file: each gets a clear message and verify never hangs or crashes."""
    d = tmp_path / "etc/systemd/system"
    d.mkdir(parents=True)
    (d / "dir.service").mkdir()
    (d / "loop1.service").symlink_to("loop2.service")
    (d / "loop2.service").symlink_to("loop1.service")
    import os
    os.mkfifo(d / "fifo.service")
    (d / "longline.service").write_text("[Service]\nExecStart=/bin/" + "x" * (1024 * 1024 + 5) + "\n")
    with open(d / "huge.service", "wb") as f:
        f.truncate(1 << 30)  # 1 GiB, sparse: must be refused by size, not read
    for name in ("dir", "loop1", "fifo", "longline", "huge"):
        r = run([tinysd, "verify", "--root", str(tmp_path), f"{name}.service"], timeout=30)
        assert r.returncode == 1, (name, r.stderr)
        assert r.returncode != 99 and "Sanitizer" not in r.stderr, r.stderr
        assert r.stderr.strip(), name


def test_dump_shows_properties(tinysd, tmp_path):
    d = tmp_path / "etc/systemd/system"
    d.mkdir(parents=True)
    write(d, "web.service", """
        [Service]
        Type=forking
        PIDFile=/run/web.pid
        ExecStart=/usr/sbin/web -d
        Restart=on-failure
        RestartSec=2
        """)
    r = run([tinysd, "dump", "--root", str(tmp_path), "-p", "Type,PIDFile,Restart,RestartUSec,LoadState", "web"])
    assert r.returncode == 0, r.stderr
    # like systemctl show -p, lines come in the object's property order, not the order asked
    assert sorted(r.stdout.splitlines()) == sorted([
        "Type=forking", "Restart=on-failure", "PIDFile=/run/web.pid", "RestartUSec=2s", "LoadState=loaded"])
