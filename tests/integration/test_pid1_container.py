# SPDX-License-Identifier: MIT
"""tinysd as PID 1 and what it owes the container it runs in and the services it runs there.

Contract assumed:
- systemd's container interface: after boot /run/systemd/system is a directory; $container from
  the runtime (e.g. container=podman) is written to /run/systemd/container and passed to
  services; without one, services still see a non-empty $container; /run/lock and /tmp exist.
  A read-only root with a writable /run boots.
- Environment: services see the container's environment (`docker run -e FOO=bar`), PATH, LANG
  when set, INVOCATION_ID (32 hex digits) and systemd's variables (SYSTEMD_EXEC_PID);
  `tinysd --clean-environment` gives them systemd's clean environment (no FOO).
- Sandboxing a container cannot apply (no CAP_SYS_ADMIN: PrivateTmp=, ProtectSystem=, ...) is
  skipped with one notice line naming the unit; the service runs.
- User=nobody runs as 65534, RuntimeDirectory= is created and owned by the service's user,
  DynamicUser=yes runs as some non-zero uid.
- As uid 1000 without any capability (Kubernetes "restricted"), tinysd boots, runs a service as
  uid 1000 and exits 0 on SIGTERM."""
import re
import signal

import pytest

from pid1 import MULTI_USER, started


def dump_env_service(description="Env Dump", out="/run/env.txt"):
    # the service's own environment as exec'd by the manager (a shell adds nothing to environ)
    return f"""
        [Unit]
        Description={description}
        [Service]
        Type=oneshot
        ExecStart=/opt/test/dump-env {out}
        """


DUMP_ENV = "#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/environ > \"$1\"\n"


def env_of(c, out="/run/env.txt"):
    return dict(line.split("=", 1) for line in c.path(out).read_text().splitlines())


def boot_env_dump(boot, **kw):
    c = boot(units={"envdump.service": dump_env_service()}, enable=["envdump.service"],
             files={"/opt/test/dump-env": DUMP_ENV}, **kw)
    c.wait_for_path("/run/env.txt", contains="\n")
    c.wait_for(MULTI_USER)
    return c


# ---------------------------------------------------------------- the container interface

def test_run_systemd_system_exists_after_boot(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    assert c.path("/run/systemd/system").is_dir()


def test_run_lock_and_tmp_exist(boot):
    c = boot()
    c.wait_for(MULTI_USER)
    assert c.path("/run/lock").is_dir()
    assert c.path("/tmp").is_dir()


def test_container_variable_from_the_runtime_is_recorded_and_passed_on(boot):
    c = boot_env_dump(boot, env={"container": "podman"})
    assert c.path("/run/systemd/container").read_text().strip() == "podman"
    assert env_of(c)["container"] == "podman"


def test_services_see_a_container_variable_even_when_the_runtime_sets_none(boot):
    # Docker sets no $container
    c = boot_env_dump(boot)
    assert env_of(c).get("container", "") != ""


def test_read_only_root_with_writable_run_boots_and_runs_a_service(boot):
    c = boot(readonly_root=True, units={"marker.service": """
        [Unit]
        Description=Marker
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo ran > /run/marker'
        """}, enable=["marker.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/run/marker").read_text() == "ran\n"
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


# ---------------------------------------------------------------- environment

def test_services_see_the_container_environment(boot):
    c = boot_env_dump(boot, env={"FOO": "bar", "LANG": "C.UTF-8"})
    env = env_of(c)
    assert env["FOO"] == "bar"
    assert env["LANG"] == "C.UTF-8"
    assert "/usr/bin" in env["PATH"].split(":")


def test_services_get_an_invocation_id(boot):
    env = env_of(boot_env_dump(boot))
    assert re.fullmatch(r"[0-9a-f]{32}", env["INVOCATION_ID"])


def test_services_get_systemd_exec_pid(boot):
    # systemd 248+ sets SYSTEMD_EXEC_PID to the PID of the exec'd process itself
    c = boot(units={"pid.service": """
        [Unit]
        Description=Exec Pid
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo "$$SYSTEMD_EXEC_PID $$$$" > /run/pids'
        """}, enable=["pid.service"])
    c.wait_for(MULTI_USER)
    exec_pid, own_pid = c.path("/run/pids").read_text().split()
    assert exec_pid == own_pid


def test_clean_environment_hides_the_container_environment(boot):
    c = boot_env_dump(boot, args=["--clean-environment"], env={"FOO": "bar"})
    env = env_of(c)
    assert "FOO" not in env
    assert "PATH" in env
    assert re.fullmatch(r"[0-9a-f]{32}", env["INVOCATION_ID"])


# ---------------------------------------------------------------- sandboxing a container cannot do

HARDENED = """
    [Unit]
    Description=Hardened
    [Service]
    ExecStart=/bin/sh -c 'echo ran > /run/hardened-ran; exec sleep 1000'
    PrivateTmp=yes
    ProtectSystem=strict
    ReadWritePaths=/run
    ProtectHome=yes
    PrivateDevices=yes
    NoNewPrivileges=yes
    SystemCallFilter=@system-service
    CapabilityBoundingSet=CAP_NET_BIND_SERVICE
    """


def test_hardened_service_still_runs(boot):
    c = boot(units={"hardened.service": HARDENED}, enable=["hardened.service"])
    c.wait_for(started("hardened.service", "Hardened"))
    assert c.wait_for_path("/run/hardened-ran", contains="\n").read_text() == "ran\n"


def test_skipped_sandboxing_gives_one_notice_naming_the_unit(boot):
    c = boot(units={"hardened.service": HARDENED}, enable=["hardened.service"])
    c.wait_for(MULTI_USER)
    c.wait_for_path("/run/hardened-ran")
    notices = [line for line in c.lines() if "hardened.service" in line and not line.startswith("[")]
    assert len(notices) == 1, c.output()


# ---------------------------------------------------------------- users

def test_user_nobody(boot):
    c = boot(units={"nobody.service": """
        [Unit]
        Description=Nobody
        [Service]
        Type=oneshot
        User=nobody
        ExecStart=/bin/sh -c 'id -u > /tmp/nobody-uid; id -g > /tmp/nobody-gid'
        """}, enable=["nobody.service"])
    c.wait_for(MULTI_USER)
    assert c.path("/tmp/nobody-uid").read_text() == "65534\n"
    assert c.path("/tmp/nobody-gid").read_text() == "65534\n"


def test_runtime_directory_is_created_and_owned_by_the_user(boot):
    c = boot(units={"rtd.service": """
        [Unit]
        Description=Runtime Dir
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        User=nobody
        RuntimeDirectory=rtd
        ExecStart=/bin/sh -c 'echo "$$RUNTIME_DIRECTORY" > /run/rtd/written-by-service'
        """}, enable=["rtd.service"])
    c.wait_for(MULTI_USER)
    d = c.path("/run/rtd")
    assert d.is_dir()
    st = d.stat()
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    assert oct(st.st_mode & 0o7777) == oct(0o755)
    assert (d / "written-by-service").read_text() == "/run/rtd\n"


def test_dynamic_user_runs_as_a_non_root_uid(boot):
    c = boot(units={"dyn.service": """
        [Unit]
        Description=Dynamic
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        DynamicUser=yes
        RuntimeDirectory=dyn
        ExecStart=/bin/sh -c 'id -u > /run/dyn/uid'
        """}, enable=["dyn.service"])
    c.wait_for(MULTI_USER)
    uid = int(c.path("/run/dyn/uid").read_text())
    assert uid != 0
    assert c.path("/run/dyn").stat().st_uid == uid


# ---------------------------------------------------------------- non-root PID 1

@pytest.fixture
def restricted(boot):
    """Kubernetes "restricted": uid/gid 1000, no capability at all, no_new_privs."""
    return lambda **kw: boot(user=1000, **kw)


def test_non_root_pid1_runs_a_service_as_its_own_uid(restricted):
    c = restricted(units={"whoami.service": """
        [Unit]
        Description=Who Am I
        [Service]
        ExecStart=/bin/sh -c 'id -u > /run/whoami; exec sleep 1000'
        """}, enable=["whoami.service"])
    c.wait_for(MULTI_USER)
    assert c.wait_for_path("/run/whoami", contains="\n").read_text() == "1000\n"
    assert c.proc_status(1)["Uid"].split()[0] == "1000"


def test_non_root_pid1_exits_0_on_sigterm(restricted):
    c = restricted(units={"sleeper.service": """
        [Unit]
        Description=Sleeper
        [Service]
        ExecStart=/bin/sleep 1000
        """}, enable=["sleeper.service"])
    c.wait_for(MULTI_USER)
    c.signal(signal.SIGTERM)
    assert c.wait() == 0


def test_tmpfiles_d_is_applied_at_boot_before_services_start(boot):
    """An image without systemd-tmpfiles-setup.service: tinysd applies tmpfiles.d itself."""
    c = boot(units={"user.service": """
        [Service]
        ExecStart=/bin/sh -c 'cat /run/app/greeting > /run/seen; exec sleep 1000'
        """}, enable=["user.service"], files={"/etc/tmpfiles.d/app.conf": "d /run/app 0750 root root -\nf /run/app/greeting 0640 - - - hello\n"})
    assert c.wait_for_path("/run/seen", contains="hello").read_text() == "hello"
    assert oct(c.path("/run/app").stat().st_mode & 0o777) == "0o750"
    assert oct(c.path("/run/app/greeting").stat().st_mode & 0o777) == "0o640"
