# SPDX-License-Identifier: MIT
"""Exec*= of a transient unit as `systemctl show` prints them (issue 20, conformance script 40).

Contract (systemd 252): `systemd-run -p ExecStartPost=:/bin/echo ${X}` (':' is no-env-expand, which
only the Ex variant can say) gives ExecStartPost={ path=/bin/echo ; argv[]=/bin/echo ${X} ;
ignore_errors=no ; ... } and ExecStartPostEx={ path=/bin/echo ; argv[]=/bin/echo ${X} ;
flags=no-env-expand ; ... }, for every Exec*= property and with Debian's and tinysd's systemctl;
the argument reaches the process as written ("${X}", not expanded, not "$${X}"); without ':' "$$"
is a literal "$" when the command runs and argv[] shows it as given."""
import os
import pathlib

import pytest

from pid1 import MULTI_USER

SYSTEMCTL = "/usr/bin/systemctl"
SYSTEMD_RUN = "/usr/bin/systemd-run"
pytestmark = pytest.mark.skipif(not os.access(SYSTEMD_RUN, os.X_OK), reason="Debian's systemd-run is not installed")

PROPS = ["ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost"]


def test_every_exec_property_and_its_ex_variant(boot, tinysd):
    c = boot()
    c.wait_for(MULTI_USER)
    ctls = [[SYSTEMCTL], [str(pathlib.Path(tinysd).with_name("systemctl"))]]
    for i, prop in enumerate(PROPS):
        for ex in ("", "Ex"):
            unit = f"u{i}{ex.lower()}"
            r = c.exec([SYSTEMD_RUN, f"--unit={unit}", "-r", "-p", "Type=oneshot", "-p", f"{prop}{ex}=:/bin/echo ${{{unit}}}",
                        "/bin/true"], timeout=30)
            assert r.returncode == 0, r.stderr
            for ctl in ctls:
                plain = c.exec([*ctl, "show", "-p", prop, unit], timeout=20).stdout
                assert f"path=/bin/echo ; argv[]=/bin/echo ${{{unit}}} ; ignore_errors=no" in plain, (ctl, plain)
                exl = c.exec([*ctl, "show", "-p", prop + "Ex", unit], timeout=20).stdout
                assert f"path=/bin/echo ; argv[]=/bin/echo ${{{unit}}} ; flags=no-env-expand" in exl, (ctl, exl)


def test_no_env_expand_argument_reaches_the_process_as_written(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    r = c.exec([SYSTEMD_RUN, "--unit=lit", "-r", "-p", "Type=oneshot", "-p", "Environment=X=expanded",
                "-p", "ExecStartPost=:/usr/bin/touch /run/lit-${X}", "-p", "ExecStartPost=/usr/bin/touch /run/exp-${X}",
                "/usr/bin/touch", "/run/dollar-$$X"], timeout=30)
    assert r.returncode == 0, r.stderr
    assert c.path("/run/lit-${X}").exists()
    assert c.path("/run/exp-expanded").exists()
    assert c.path("/run/dollar-$X").exists()      # 252: "$$" is a literal "$" when it runs
    assert "argv[]=/usr/bin/touch /run/dollar-$$X ;" in c.exec([SYSTEMCTL, "show", "-p", "ExecStart", "lit"], timeout=20).stdout
