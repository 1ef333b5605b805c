# SPDX-License-Identifier: MIT
"""The machine id of a container: the image's /etc/machine-id when it holds one; otherwise one for
this boot, as systemd 252 chooses it in a container ($container_uuid, else random), never one
fixed id shared by every container.

Seen from outside as a user sees it: the %m specifier in a unit, ConditionHost=, the journal's
directory and _MACHINE_ID, /run/machine-id. The harness's /etc is read-only (the host's), so an
"empty /etc/machine-id" is an empty file bound over it: /etc cannot be made to point to
/run/machine-id here, and tinysd's readers fall back to /run/machine-id (the link itself is
covered by tests/unit/test-machine-id.c)."""
import json
import pathlib
import re

ID_RE = re.compile(r"[0-9a-f]{32}")

UNITS = {
    "spec.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo %m > /run/spec-id'
        [Install]
        WantedBy=multi-user.target
        """,
}


def boot_with(boot, machine_id=None, env=None, workdir=None, units=UNITS):
    files = {} if machine_id is None else {"/etc/machine-id": machine_id}
    kw = {"workdir": workdir} if workdir else {}
    # --log-level=info: systemd's "Initializing machine ID from ..." is an info line
    c = boot(units=units, enable=list(units), files=files, env=env, args=["--log-level=info"], **kw)
    c.wait_for_path("/run/spec-id", contains="\n")
    return c


def journal_machine_ids(c, tinysd):
    j = pathlib.Path(tinysd).with_name("journalctl")
    p = c.exec([str(j), "-a", "-o", "json", "-u", "spec.service"], env={"SYSTEMD_COLORS": "0"})
    assert p.returncode == 0, p.stderr
    return {json.loads(line)["_MACHINE_ID"] for line in p.stdout.splitlines() if line.strip()}


def seen_ids(c, tinysd):
    """Every place the id shows: /run/machine-id, %m, the journal's directory and entries."""
    run_id = c.path("/run/machine-id").read_text().strip()
    spec = c.path("/run/spec-id").read_text().strip()
    dirs = [p.name for root in ("/run/log/journal", "/var/log/journal") if c.path(root).is_dir()
            for p in c.path(root).iterdir()]
    return run_id, spec, dirs, journal_machine_ids(c, tinysd)


def test_two_containers_of_one_image_get_different_ids(boot, tinysd):
    ids = []
    for _ in range(2):
        c = boot_with(boot, machine_id="")
        run_id, spec, dirs, journal = seen_ids(c, tinysd)
        assert ID_RE.fullmatch(run_id), run_id
        assert spec == run_id and dirs == [run_id] and journal == {run_id}, (run_id, spec, dirs, journal)
        assert "Initializing machine ID from random generator." in c.output()
        ids.append(run_id)
        c.stop()
    assert ids[0] != ids[1]


def test_a_new_id_each_boot(boot, tinysd, tmp_path):
    """Docker keeps /run across `docker restart`: the next boot still chooses a new id."""
    first = boot_with(boot, machine_id="", workdir=tmp_path / "ctr")
    a = first.path("/run/machine-id").read_text().strip()
    assert first.stop() == 0
    first.path("/run/spec-id").unlink()
    second = boot_with(boot, machine_id="", workdir=tmp_path / "ctr")
    b = second.path("/run/machine-id").read_text().strip()
    assert ID_RE.fullmatch(b) and a != b
    assert second.path("/run/spec-id").read_text().strip() == b


def test_image_machine_id_is_used(boot, tinysd):
    mid = "0123456789abcdef0123456789abcdef"
    c = boot_with(boot, machine_id=mid + "\n")
    assert c.path("/run/spec-id").read_text().strip() == mid
    assert journal_machine_ids(c, tinysd) == {mid}
    assert not c.path("/run/machine-id").exists()
    assert "Initializing machine ID" not in c.output()


def test_container_uuid_is_used(boot, tinysd):
    """libvirt-lxc and Podman (--systemd) pass $container_uuid; ConditionHost= sees the id too."""
    uuid = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    mid = uuid.replace("-", "")
    units = dict(UNITS)
    units["host.service"] = f"""
        [Unit]
        ConditionHost={uuid}
        [Service]
        Type=oneshot
        ExecStart=/bin/touch /run/host-matched
        [Install]
        WantedBy=multi-user.target
        """
    c = boot_with(boot, machine_id="", env={"container_uuid": uuid}, units=units)
    run_id, spec, dirs, journal = seen_ids(c, tinysd)
    assert run_id == spec == mid and dirs == [mid] and journal == {mid}
    assert "Initializing machine ID from container UUID." in c.output()
    c.wait_for_path("/run/host-matched")
