# SPDX-License-Identifier: MIT
"""tinysd as PID 1: service output on the container's stdout (issue 5, forwarding part).

Contract assumed: with StandardOutput=journal (the default) every line a service writes, to
stdout or stderr, reaches PID 1's stdout as `UNIT[PID]: line`; a last line without a newline is
not lost; a line longer than 48 KiB (journald's LineMax) is split, never dropped; `<N>` prefixes
set the level and are stripped (SyslogLevelPrefix=, default yes); LogLevelMax= drops lines above
it; TINYSD_LOG_FORMAT=json gives one JSON object per line with unit, pid, priority and message;
$JOURNAL_STREAM names the stream as DEV:INODE; StandardOutput=null stays silent."""
import json
import re

import pytest


def test_stdout_and_stderr_are_named_by_unit_and_pid(boot):
    c = boot(units={"talk.service": """
        [Service]
        ExecStart=/bin/sh -c 'echo to-out; echo to-err >&2; echo $$$$ > /run/talk.pid; printf no-newline-at-end'
        """}, enable=["talk.service"])
    c.wait_for(r"no-newline-at-end")
    pid = c.path("/run/talk.pid").read_text().strip()
    out = c.output()
    for line in ("to-out", "to-err", "no-newline-at-end"):
        assert f"talk.service[{pid}]: {line}\n" in out, out


def test_long_lines_are_split_not_dropped_and_prefixes_set_levels(boot):
    c = boot(units={"long.service": """
        [Service]
        ExecStart=/bin/sh -c 'head -c 100000 /dev/zero | tr "\\\\0" x; echo; echo "<7>debug-line"; echo "<3>error-line"; echo done'
        LogLevelMax=info
        """}, enable=["long.service"])
    c.wait_for(r"long\.service\[\d+\]: done")
    xs = "".join(m.group(1) for m in re.finditer(r"long\.service\[\d+\]: (x+)\n", c.output()))
    assert len(xs) == 100000, len(xs)
    assert "error-line" in c.output() and "<3>" not in c.output()
    assert "debug-line" not in c.output(), "LogLevelMax=info drops debug"


def test_json_lines_format(boot):
    c = boot(units={"j.service": """
        [Service]
        ExecStart=/bin/sh -c 'echo "<4>careful now"; echo $JOURNAL_STREAM > /run/js'
        """}, enable=["j.service"], env={"TINYSD_LOG_FORMAT": "json"})
    m = c.wait_for(r'^\{.*"careful.*\}$')
    obj = json.loads(m.group(0))
    assert obj["unit"] == "j.service" and obj["priority"] == 4 and obj["message"] == "careful now"
    assert isinstance(obj["pid"], int) and obj["pid"] > 1
    assert re.fullmatch(r"\d+:\d+\n", c.wait_for_path("/run/js", contains="\n").read_text())


def test_standard_output_null_is_silent(boot):
    c = boot(units={"quiet.service": """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo should-not-appear'
        StandardOutput=null
        """}, enable=["quiet.service"])
    c.wait_for(r"Finished quiet\.service")
    assert "should-not-appear" not in c.output()


# ---------------------------------------------------------------- logs for collectors (issue 17)

FAILING = {"bad.service": """
    [Unit]
    Description=Bad
    [Service]
    Type=oneshot
    ExecStart=/bin/sh -c 'echo "<4>about to fail"; exit 3'
    """, "good.service": """
    [Unit]
    Description=Good
    [Service]
    ExecStart=/bin/sh -c 'echo "good output"; exec sleep 1000'
    """}


def _json_lines(text):
    objs = []
    for line in text.splitlines():
        obj = json.loads(line)          # every line one JSON object, nothing else
        assert list(obj)[:6] == ["timestamp", "unit", "identifier", "pid", "priority", "message"], line
        objs.append(obj)
    return objs


def test_json_mode_every_line_of_pid1_is_one_object(boot):
    """The manager's own lines are JSON too: welcome, status lines, warnings, shutdown lines."""
    c = boot(units=FAILING, enable=["bad.service", "good.service"], env={"TINYSD_LOG_FORMAT": "json"},
             args=["--log-level=info"])
    c.wait_for(r'"message":"good output"')
    c.wait_for(r'"status":"FAILED"')
    assert c.stop() == 0
    objs = _json_lines(c.output())
    by_msg = {o["message"]: o for o in objs}
    assert by_msg["Failed to start bad.service - Bad."]["status"] == "FAILED"
    assert by_msg["Failed to start bad.service - Bad."]["unit"] == "bad.service"
    assert by_msg["Failed to start bad.service - Bad."]["pid"] == 1
    assert by_msg["Started good.service - Good."] == {**by_msg["Started good.service - Good."],
                                                      "status": "OK", "identifier": "tinysd", "priority": 6}
    assert by_msg["good output"]["unit"] == "good.service" and "status" not in by_msg["good output"]
    assert by_msg["about to fail"]["priority"] == 4
    exited = [o for o in objs if o["message"].startswith("bad.service: Main process exited")]
    assert exited and exited[0]["identifier"] == "tinysd" and exited[0]["unit"] == "bad.service"
    assert any(o["message"].startswith("Stopped good.service") for o in objs), "the shutdown lines"
    assert any(o["message"].startswith("Welcome to") and o["status"] == "INFO" for o in objs)


def test_log_format_option_wins_and_bad_values_are_said(tinysd, container_factory):
    c = container_factory(tinysd, units=FAILING, enable=["good.service"], args=["--log-format=json"],
                          env={"TINYSD_LOG_FORMAT": "short"}).start()
    c.wait_for(r'"message":"good output"')
    c.stop()
    _json_lines(c.output())
    # a bad option is refused in the chosen format, on stderr, before anything starts
    c = container_factory(tinysd, args=["--log-format=xml"], env={"TINYSD_LOG_FORMAT": "json"}).start()
    assert c.wait() == 1
    [obj] = _json_lines(c.output("stderr"))
    assert obj["message"] == "Failed to parse log format 'xml' (short, json, off)." and obj["priority"] == 3
    c = container_factory(tinysd, args=["--bogus"]).start()
    assert c.wait() == 1
    assert c.output("stderr") == "tinysd: unknown option '--bogus'. See 'tinysd --help'.\n"
    # an environment value that does not parse: said once, the default kept
    c = container_factory(tinysd, units=FAILING, enable=["good.service"], env={"TINYSD_LOG_FORMAT": "yaml"}).start()
    c.wait_for(r"good\.service\[\d+\]: good output")
    assert c.output().count("TINYSD_LOG_FORMAT=yaml: not understood, ignoring.") == 1


@pytest.mark.parametrize("how", ["option", "env"])
def test_quiet_mode_prints_service_output_and_failures_only(tinysd, container_factory, how):
    kw = {"args": ["--quiet"]} if how == "option" else {"env": {"TINYSD_QUIET": "1"}}
    c = container_factory(tinysd, units=FAILING, enable=["bad.service", "good.service"], **kw).start()
    c.wait_for(r"good\.service\[\d+\]: good output")
    c.wait_for(r"^\[FAILED\] Failed to start bad\.service - Bad\.$")
    c.stop()
    out = c.output()
    assert re.search(r"^bad\.service\[\d+\]: about to fail$", out, re.M)
    assert re.search(r"^tinysd\[1\]: bad\.service: Failed with result 'exit-code'\.$", out, re.M)   # a warning
    assert "Main process exited" not in out, "a notice"
    assert "[  OK  ]" not in out and "Welcome to" not in out and "Started" not in out, out
