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
