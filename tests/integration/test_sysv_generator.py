# SPDX-License-Identifier: MIT
"""tinysd's built-in SysV generator against systemd-sysv-generator 252 (the host's,
/lib/systemd/system-generators): both run on the same init scripts and runlevel links
($SYSTEMD_SYSVINIT_PATH, $SYSTEMD_SYSVRCND_PATH, $SYSTEMD_UNIT_PATH, as the real generator reads
them) into two directories, which must hold the same files with the same bytes and the same
links.

Inputs: the init scripts of the Debian packages in ../shared/corpus (with S links in rc2.d..rc5.d
as update-rc.d makes them from Default-Start:, and once with the packages' own units visible, so
that only the init-script-only packages get units), and scripts written here for the header
syntax's corners (chkconfig headers, continuation lines, facilities, priorities of scripts without
LSB headers, CRLF, names to mangle, '%' in names)."""
import os
import pathlib
import stat

import pytest

from conftest import run

SYSTEMD_SYSV_GENERATOR = pathlib.Path("/lib/systemd/system-generators/systemd-sysv-generator")
pytestmark = pytest.mark.skipif(not SYSTEMD_SYSV_GENERATOR.exists(),
                                reason="needs systemd 252's systemd-sysv-generator (Debian's systemd package)")


def tree(d):
    """{relative path: bytes of a file | ('link', target)} of everything below d."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(d):
        for name in dirnames + filenames:
            p = pathlib.Path(dirpath) / name
            rel = str(p.relative_to(d))
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_file():
                out[rel] = p.read_bytes()
    return out


def sorted_dependencies(text):
    """Before=/After= lines sorted within their run: where 252 orders by its hash map (start
    priorities of scripts without LSB headers), only the set is defined."""
    lines, out = text.decode().split("\n"), []
    for line in lines:
        if out and line.split("=", 1)[0] in ("Before", "After") and out[-1].split("=", 1)[0] == line.split("=", 1)[0]:
            out.append(line)
            i = len(out) - 1
            while i > 0 and out[i - 1].split("=", 1)[0] == line.split("=", 1)[0] and out[i - 1] > out[i]:
                out[i - 1], out[i] = out[i], out[i - 1]
                i -= 1
        else:
            out.append(line)
    return "\n".join(out)


def generate_both(tinysd, tmp_path, init_d, rcnd, unit_path):
    env = {"SYSTEMD_SYSVINIT_PATH": str(init_d), "SYSTEMD_SYSVRCND_PATH": str(rcnd),
           "SYSTEMD_UNIT_PATH": str(unit_path), "SYSTEMD_LOG_LEVEL": "info", "SYSTEMD_LOG_COLOR": "0",
           "SYSTEMD_LOG_TARGET": "console"}
    out = {}
    for name, cmd in (("systemd", [str(SYSTEMD_SYSV_GENERATOR)]), ("tinysd", [tinysd, "sysv-generator"])):
        dirs = [tmp_path / name / d for d in ("normal", "early", "late")]
        for d in dirs:
            d.mkdir(parents=True)
        p = run(cmd + [str(d) for d in dirs], env=env)
        assert p.returncode == 0, (name, p.stderr)
        out[name] = (tree(dirs[2]), p.stderr)
    return out


def enable_like_update_rc_d(root):
    """S01NAME links in rcN.d for each N of the script's Default-Start: (insserv's numbering aside)."""
    for script in sorted((root / "init.d").iterdir()):
        for line in script.read_bytes().decode(errors="replace").splitlines():
            if line.lower().startswith("# default-start:"):
                for level in line.split(":", 1)[1].split():
                    d = root / f"rc{level}.d"
                    d.mkdir(exist_ok=True)
                    (d / f"S01{script.name}").symlink_to(f"../init.d/{script.name}")
                break


@pytest.fixture
def corpus_etc(corpus, tmp_path):
    etc = tmp_path / "etc"
    (etc / "init.d").mkdir(parents=True)
    units = tmp_path / "units"
    units.mkdir()
    n = 0
    for pkg in sorted(corpus.iterdir()):
        for script in sorted((pkg / "etc" / "init.d").glob("*")) if (pkg / "etc" / "init.d").is_dir() else ():
            dst = etc / "init.d" / script.name
            dst.write_bytes(script.read_bytes())
            dst.chmod(0o755)
            n += 1
        for d in ("lib/systemd/system", "usr/lib/systemd/system"):
            for u in (pkg / d).glob("*") if (pkg / d).is_dir() else ():
                if not (units / u.name).exists() and not (units / u.name).is_symlink():
                    if u.is_symlink():
                        (units / u.name).symlink_to(os.readlink(u))
                    elif u.is_file():
                        (units / u.name).write_bytes(u.read_bytes())
    assert n >= 50, f"only {n} init scripts in the corpus"
    enable_like_update_rc_d(etc)
    return etc, units


def test_corpus_all_scripts(tinysd, corpus_etc, tmp_path):
    """Every init script of the corpus as if no package shipped a unit: 60-odd units, aliases from
    Provides:, .wants links from the rc links; byte for byte the same."""
    etc, _ = corpus_etc
    empty = tmp_path / "no-units"
    empty.mkdir()
    out = generate_both(tinysd, tmp_path, etc / "init.d", etc, empty)
    assert out["tinysd"][0] == out["systemd"][0]
    units = [k for k in out["systemd"][0] if k.endswith(".service") and "/" not in k]
    assert len(units) >= 50
    assert any(isinstance(v, tuple) for v in out["systemd"][0].values())          # Provides: aliases
    assert any(k.startswith("multi-user.target.wants/") for k in out["systemd"][0])


def test_corpus_with_native_units(tinysd, corpus_etc, tmp_path):
    """With the packages' own units visible only the init-script-only packages get units
    (isc-dhcp-server, monit, nslcd); as in Debian's 252, that they lack a native unit is a debug
    message, not said at the info level."""
    etc, units = corpus_etc
    out = generate_both(tinysd, tmp_path, etc / "init.d", etc, units)
    assert out["tinysd"][0] == out["systemd"][0]
    made = sorted(k for k in out["systemd"][0] if k.endswith(".service") and "/" not in k)
    assert made == ["isc-dhcp-server.service", "monit.service", "nslcd.service"], made
    assert out["systemd"][1] == out["tinysd"][1] == ""


# ------------------------------------------------------------------ the header syntax's corners
LSB = """#!/bin/sh
### BEGIN INIT INFO
# Provides:          {provides}
# Required-Start:    {required}
# Required-Stop:     $remote_fs
# Should-Start:      {should}
# X-Start-Before:    {before}
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: {short}
# Description:       first line of the description
#  continued with two spaces
#\tand with a tab
# but not with one space
### END INIT INFO
case "$1" in
  start|stop) ;;
  *) echo "Usage: $0 {{start|stop|reload|force-reload}}" >&2 ;;
esac
"""

SCRIPTS = {
    "alpha": LSB.format(provides="alpha alpha-alias $alpha-facility $network", required="$local_fs $syslog $remote_fs $time",
                        should="$named $portmap beta gamma.sh $all alpha", before="$network delta", short="Alpha daemon"),
    "beta.sh": LSB.format(provides="beta", required="$network", should="", before="", short=""),
    # a chkconfig (Red Hat) script: description continued with '\', an absolute and a relative pidfile
    "gamma": "#!/bin/sh\n# chkconfig: 2345 20 80\n# description: Gamma is a daemon \\\n#              that is\\\n"
             "#   described at length\n# pidfile: relative/gamma.pid\n# pidfile: /run/gamma%d.pid\n"
             "echo \"Usage: gamma {start|stop|status\\\n  |reload}\"\n",
    # no headers at all; ordered by start priority against the other scripts without LSB headers
    "delta": "#!/bin/sh\nexit 0\n",
    "epsilon": "#!/bin/sh\n# description: Epsilon\nexit 0\n",
    "zeta": "#!/bin/sh\n# description: Zeta, started last\n",
    # CRLF line endings, an empty Short-Description:, Description only
    "eta": "#!/bin/sh\r\n### BEGIN INIT INFO\r\n# Provides: eta\r\n# Short-Description:\r\n"
           "# Description: Eta over CRLF\r\n### END INIT INFO\r\necho 'usage: eta {start|stop}'\r\n",
    # names to mangle and specifiers to escape
    "pct%name": LSB.format(provides="pct%name x@y", required="", should="", before="", short="100% done"),
    "weird name": LSB.format(provides="$weird:facility", required="", should="", before="", short="spaces"),
}


def write_scripts(etc):
    init_d = etc / "init.d"
    init_d.mkdir(parents=True)
    for name, text in SCRIPTS.items():
        p = init_d / name
        p.write_text(text)
        p.chmod(0o755)
    (init_d / "README").write_text("not executable\n")
    (init_d / "subdir").mkdir()
    (init_d / "linked").symlink_to("delta")                      # a link to a script: a script too
    links = {"rc1.d": ["S20alpha"], "rc2.d": ["S10gamma", "S05delta", "S30epsilon", "S99zeta", "K01alpha",
                                                "S01missing", "Sxxalpha", "S1"],
             "rc3.d": ["S40gamma"], "rc5.d": ["S01eta", "S02beta.sh"]}
    for d, names in links.items():
        (etc / d).mkdir()
        for n in names:
            (etc / d / n).symlink_to("../init.d/whatever")


def test_header_corners(tinysd, tmp_path):
    etc = tmp_path / "etc"
    write_scripts(etc)
    empty = tmp_path / "no-units"
    empty.mkdir()
    out = generate_both(tinysd, tmp_path, etc / "init.d", etc, empty)
    want, got = out["systemd"][0], out["tinysd"][0]
    assert sorted(got) == sorted(want)
    for k in want:
        w, g = want[k], got[k]
        if isinstance(w, bytes):
            assert sorted_dependencies(g) == sorted_dependencies(w), k
        else:
            assert g == w, k
    # the corners were reached (each is a line 252 writes)
    alpha = want["alpha.service"].decode()
    assert "Before=network.target" in alpha and "Wants=alpha-facility.target" in alpha
    assert "ExecReload=" in alpha and "Description=LSB: Alpha daemon" in alpha
    gamma = want["gamma.service"].decode()
    assert "PIDFile=/run/gamma%%d.pid" in gamma and "RemainAfterExit=no" in gamma and "ExecReload=" in gamma
    assert "Description=SYSV: Gamma is a daemon that is described at length" in gamma
    assert "After=delta.service" in gamma and "Before=zeta.service" in gamma
    assert "Description=LSB: Eta over CRLF" in want["eta.service"].decode()
    assert got["alpha-alias.service"] == ("link", "alpha.service")


def test_nothing_to_do(tinysd, tmp_path):
    """No init script directory at all: nothing written, nothing said, success."""
    out = generate_both(tinysd, tmp_path, tmp_path / "absent", tmp_path / "absent", tmp_path / "absent")
    assert out["tinysd"][0] == out["systemd"][0] == {}
    assert out["tinysd"][1] == ""
