# SPDX-License-Identifier: MIT
"""tinysd as PID 1: timer units (systemd.timer(5)).

Contract assumed: OnBootSec=/OnStartupSec= count from the manager's start (systemd in a container
does the same) and fire once; OnUnitActiveSec= repeats, counted from the last activation of the
triggered unit; OnActiveSec= fires once after the timer started; the timer's own start line is
systemd's "Started NAME.timer"; a timer whose unit does not exist refuses to start; stopping the
timer stops the schedule. Every run of the triggered oneshot appends a monotonic timestamp to
/run/ticks, and the tests check count and spacing with generous margins."""
import time

TICK = """
    [Unit]
    Description=Tick
    [Service]
    Type=oneshot
    ExecStart=/bin/sh -c 'cut -d" " -f1 /proc/uptime >> /run/ticks'
    """


def ticks(c):
    p = c.path("/run/ticks")
    return [float(x) for x in p.read_text().split()] if p.exists() else []


def test_on_boot_then_on_unit_active_repeats(boot):
    c = boot(units={"tick.service": TICK, "tick.timer": """
        [Unit]
        Description=Tick Timer
        [Timer]
        OnBootSec=300ms
        OnUnitActiveSec=400ms
        AccuracySec=1us
        [Install]
        WantedBy=timers.target
        """}, enable={"tick.timer": "timers.target"})
    c.wait_for(r"Started tick\.timer - Tick Timer\.")
    c.wait_until(lambda: len(ticks(c)) >= 4, timeout=10, what="four ticks")
    t = ticks(c)
    gaps = [b - a for a, b in zip(t, t[1:])]
    assert all(g >= 0.35 for g in gaps), gaps   # OnUnitActiveSec=400ms between runs (1/100 s clock)
    assert c.stop() == 0


def test_on_active_sec_fires_once(boot):
    c = boot(units={"tick.service": TICK, "once.timer": """
        [Timer]
        OnActiveSec=200ms
        AccuracySec=1us
        Unit=tick.service
        [Install]
        WantedBy=timers.target
        """}, enable={"once.timer": "timers.target"})
    c.wait_until(lambda: len(ticks(c)) >= 1, timeout=10, what="the tick")
    time.sleep(1.0)
    assert len(ticks(c)) == 1


def test_timer_for_a_missing_unit_refuses_to_start(boot):
    c = boot(units={"orphan.timer": """
        [Timer]
        OnActiveSec=1s
        Unit=nothere.service
        [Install]
        WantedBy=timers.target
        """, "other.service": "[Service]\nExecStart=/bin/sh -c 'echo other-up; exec sleep 1000'\n"},
             enable={"orphan.timer": "timers.target", "other.service": "multi-user.target"})
    c.wait_for(r"orphan\.timer: Refusing to start, unit nothere\.service to trigger not loaded\.")
    c.wait_for(r"other-up")


def test_on_calendar_every_two_seconds(boot):
    c = boot(units={"tick.service": TICK, "cal.timer": """
        [Timer]
        OnCalendar=*:*:0/2
        AccuracySec=1us
        Unit=tick.service
        [Install]
        WantedBy=timers.target
        """}, enable={"cal.timer": "timers.target"})
    c.wait_until(lambda: len(ticks(c)) >= 2, timeout=10, what="two calendar ticks")
    t = ticks(c)
    assert 1.5 <= t[1] - t[0] <= 2.6, t


def test_persistent_timer_catches_up_a_missed_elapse(boot):
    """The stamp says it last ran in 2020; a daily timer missed elapses since: it runs at once."""
    import os
    c = boot(units={"tick.service": TICK, "daily.timer": """
        [Timer]
        OnCalendar=daily
        Persistent=yes
        Unit=tick.service
        [Install]
        WantedBy=timers.target
        """}, enable={"daily.timer": "timers.target"}, start=False)
    stamp = c.path("/var/lib/systemd/timers/stamp-daily.timer")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("")
    os.utime(stamp, (1577836800, 1577836800))   # 2020-01-01
    c.start()
    c.wait_until(lambda: len(ticks(c)) >= 1, timeout=10, what="the catch-up run")
    assert stamp.stat().st_mtime > 1577836800, "the stamp records the new run"
