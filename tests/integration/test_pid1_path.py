# SPDX-License-Identifier: MIT
"""tinysd as PID 1: path units (systemd.path(5)).

Contract assumed: PathExists= starts the unit when the file appears (also when its directory is
created only later), and at once when it already exists at boot; PathChanged= fires when a
watched file is written and closed; DirectoryNotEmpty= with MakeDirectory= creates the
directory and fires when something lands in it; the triggered oneshot records each run."""

RECORD = """
    [Service]
    Type=oneshot
    ExecStart=/bin/sh -c 'echo run >> /run/{name}.runs; {extra}'
    """


def runs(c, name):
    p = c.path(f"/run/{name}.runs")
    return p.read_text().count("run") if p.exists() else 0


def test_path_exists_fires_when_the_file_appears_in_a_later_directory(boot):
    c = boot(units={
        "flag.path": """
            [Path]
            PathExists=/run/later/dir/flag
            [Install]
            WantedBy=paths.target
            """,
        "flag.service": RECORD.format(name="flag", extra="rm -f /run/later/dir/flag"),
    }, enable={"flag.path": "paths.target"})
    c.wait_for(r"Started flag\.path")
    assert runs(c, "flag") == 0
    c.exec(["/bin/sh", "-c", "mkdir -p /run/later/dir && touch /run/later/dir/flag"], check=True)
    c.wait_until(lambda: runs(c, "flag") == 1, what="one run after the file appeared")


def test_path_exists_never_misses_a_tree_created_at_once(boot):
    # The path re-arms after every run, each time with its directories gone. `mkdir -p a/b &&
    # touch a/b/flag` races PID 1 re-adding its watches after the first event; tinysd adds them
    # from "/" down so that a directory created meanwhile is an event on its watched parent. (The
    # window is narrow: this loop did not hit it with the earlier bottom-up order either, CI did
    # once in test_path_exists_fires_when_the_file_appears_in_a_later_directory.)
    c = boot(units={
        "flag.path": "[Path]\nPathExists=/run/later/dir/flag\n[Install]\nWantedBy=paths.target\n",
        # no start limit: 30 runs in a few seconds would hit the default 5 per 10 s
        "flag.service": "[Unit]\nStartLimitIntervalSec=0\n" + RECORD.format(name="flag", extra="rm -rf /run/later"),
    }, enable={"flag.path": "paths.target"})
    c.wait_for(r"Started flag\.path")
    for i in range(1, 31):
        c.exec(["/bin/sh", "-c", "mkdir -p /run/later/dir && touch /run/later/dir/flag"], check=True)
        c.wait_until(lambda: runs(c, "flag") == i and not c.path("/run/later").exists(), what=f"run {i}")


def test_path_exists_already_true_at_boot_fires_at_once(boot):
    c = boot(units={
        "ready.path": """
            [Path]
            PathExists=/etc/hostname
            Unit=ready.service
            [Install]
            WantedBy=paths.target
            """,
        "ready.service": """
            [Service]
            Type=oneshot
            RemainAfterExit=yes
            ExecStart=/bin/sh -c 'echo run >> /run/ready.runs'
            """,
    }, enable={"ready.path": "paths.target"})
    c.wait_until(lambda: runs(c, "ready") == 1, what="the run")


def test_path_changed_fires_on_close_after_write(boot):
    c = boot(units={
        "conf.path": """
            [Path]
            PathChanged=/run/app.conf
            [Install]
            WantedBy=paths.target
            """,
        "conf.service": RECORD.format(name="conf", extra="true"),
    }, enable={"conf.path": "paths.target"}, files={"/run/app.conf": "a=1\n"})
    c.wait_for(r"Started conf\.path")
    assert runs(c, "conf") == 0
    c.exec(["/bin/sh", "-c", "echo a=2 > /run/app.conf"], check=True)
    c.wait_until(lambda: runs(c, "conf") >= 1, what="a run after the change")


def test_directory_not_empty_with_make_directory(boot):
    c = boot(units={
        "spool.path": """
            [Path]
            DirectoryNotEmpty=/run/spool
            MakeDirectory=yes
            DirectoryMode=0700
            [Install]
            WantedBy=paths.target
            """,
        "spool.service": RECORD.format(name="spool", extra="rm -f /run/spool/*"),
    }, enable={"spool.path": "paths.target"})
    c.wait_for(r"Started spool\.path")
    assert oct(c.path("/run/spool").stat().st_mode & 0o777) == "0o700"
    c.exec(["/bin/sh", "-c", "echo job > /run/spool/job1"], check=True)
    c.wait_until(lambda: runs(c, "spool") >= 1, what="a run for the spooled file")
    c.wait_until(lambda: not c.path("/run/spool/job1").exists(), what="the service emptied the spool")


SYSTEMCTL = "/usr/bin/systemctl"


def show(c, prop, unit):
    return c.exec([SYSTEMCTL, "show", "-P", prop, unit], timeout=30).stdout.strip()


def test_a_path_that_keeps_triggering_a_skipped_unit_hits_its_trigger_limit(boot):
    # systemd.path(5) TriggerLimitBurst=: the unit's condition fails, so it never changes state; the
    # path checks again after each start job and fails with result trigger-limit-hit (script 63)
    from pid1 import MULTI_USER
    c = boot(units={
        "loop.path": "[Path]\nPathExists=/run/loop-flag\nTriggerLimitIntervalSec=1h\nTriggerLimitBurst=5\n",
        "loop.service": "[Unit]\nConditionPathExists=/nonexistent\n[Service]\nExecStart=/bin/true\n",
    })
    c.wait_for(MULTI_USER)
    c.exec([SYSTEMCTL, "start", "loop.path"], timeout=30, check=True)
    assert show(c, "Result", "loop.path") == "success"
    c.path("/run/loop-flag").write_text("")
    c.wait_until(lambda: show(c, "ActiveState", "loop.path") == "failed", timeout=30, what="loop.path failed")
    assert show(c, "Result", "loop.path") == "trigger-limit-hit"
    assert (show(c, "ActiveState", "loop.service"), show(c, "Result", "loop.service")) == ("inactive", "success")
    c.wait_for("loop.path: Trigger limit hit, refusing further activation.")
    c.wait_for("loop.path: Failed with result 'trigger-limit-hit'.")
    c.exec([SYSTEMCTL, "reset-failed", "loop.path"], timeout=30, check=True)
    assert (show(c, "ActiveState", "loop.path"), show(c, "Result", "loop.path")) == ("inactive", "success")
