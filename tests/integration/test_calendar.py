# SPDX-License-Identifier: MIT
"""`tinysd calendar` against `systemd-analyze calendar` (systemd 252) line for line: hand-written
edge cases and thousands of expressions from a seeded generator, under several time zones, with
--iterations=5 and a pinned --base-time. The "From now:" lines depend on the wall clock and are
left out of the comparison (checked separately for shape); stdout, stderr and the exit code must
otherwise be identical."""
import random
import shutil

import pytest

from conftest import run

ANALYZE = shutil.which("systemd-analyze")
pytestmark = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze (systemd 252) is not installed")

ZONES = ["UTC", "Europe/Berlin", "America/New_York"]
BASES = ["2026-03-28 12:00 UTC", "2026-10-24 23:30 UTC", "2024-02-28 23:59:59 UTC", "@2145916799"]

EDGE = [
    # shorthands
    "minutely", "hourly", "daily", "DAILY", "weekly", "monthly", "yearly", "annually", "anually",
    "quarterly", "semiannually", "semi-annually", "biannually", "bi-annually",
    # Feb 29 and impossible dates
    "*-02-29", "*-02-29 12:00", "2100-02-29", "2028-02-29 00:00:00", "*-02-30", "*-04-31", "2019-02-29",
    # ~ (days from the end of the month)
    "*-*~01", "*-*~1", "*-02~1", "*-*~03", "*-*~1..3", "*-*~7/2", "*-*~1..7/3", "*-*~28", "*-*~29",
    "*-*~0", "*-02~28", "Mon *-*~1..7", "*~01", "2026-*~01", "*-*~*", "*-*~5,1",
    # DST transitions
    "*-*-* 02:30", "*-03-29 02:30", "*-03-* 02:00..03:00/15", "*-10-25 02:30", "*-*-* 02,03:30:00",
    "*-03-08 02:30", "*-11-01 01:30", "*-*-* 01:59:59", "Sun *-03,10-25..31 02:00:00",
    # seconds with fractions
    "*-*-* *:*:0/7.5", "*:*:1.5", "*:*:0.000001", "*:*:59.999999", "*:*:00..10/0.5", "*:*:1.25,2.5",
    "*:*:0.5..5.5/1.5", "12:00:00.1234567", "*:*:5..10", "*:*:5..10/1", "*:*:05.5..06",
    # weekday lists and ranges
    "Mon..Fri", "Fri..Mon", "Sat..Sun", "Sat,Sun", "Mon,Wed,Fri", "Mon-Wed", "mon..wed,fri",
    "Monday..Wednesday", "Mon,", "Mon..", "Mon,Tue,Wed,Thu,Fri,Sat,Sun", "Mon..Sun 12:00",
    "Wed..Mon", "Tue,Mon", "Mo", "Mon*", "Mon.Fri", "Mon  12:00", "Thu,Fri 2012-*-1,5 11:12:13",
    # years past 2038, limits
    "2040-01-01", "2199-12-31 23:59:59", "2200-01-01", "1970-01-01", "1969-12-31", "2038-01-19 03:14:08",
    "2038..2040-06-15", "2030/5-01-01", "70-01-01", "69-01-01", "00-01-01", "99-12-31",
    # ranges, repetitions, lists
    "*-*-* 07..23:30", "*:00/10", "*:0/15", "18,6:00", "6,6:00", "1..3,2:00", "*-1..12/3-1",
    "*-*-1/7", "*-*-31", "*-*-1..31/10", "0..23/6:00", "*:5..55/20", "05..03:00", "1..3/5:00",
    "*-*-* 00/2:00:00", "1,2,3,4,5,6,7,8,9:00", "*-*-* *:*:*", "*:*", "*-* 12:00", "12-25",
    # @epoch
    "@0", "@1", "@1234", "@1700000000", "@4102444800", "@99999999999", "@-1", "@", "@1 12:00",
    # zones
    "12:00 UTC", "12:00 utc", "12:00 Europe/Berlin", "*-*-* 02:30 Europe/Berlin",
    "*-*-* 02:30 America/New_York", "12:00 Asia/Kolkata", "12:00 Australia/Lord_Howe",
    "12:00 CET", "12:00 CEST", "12:00 EST", "12:00 EDT", "12:00 Etc/GMT+5", "12:00 Europe/Nowhere",
    "12:00 europe/berlin", "Europe/Berlin", " UTC", "UTC",
    # invalid
    "", " ", "foo", "24:00", "1:2:60", "*/2:00", "5min", "tomorrow", "now", "+5min",
    "2026-13-01", "2026-00-01", "*-*-32", "12:60", "12:00:00:00", "12", "1-2-3-4", "*-*-*-*",
    "12:00 foo", "*:*:0/0", "*-*-1/0", "1..", "..5:00", "4294967296:00", "99999999999:00",
    "*:*:99999999999", "*-*-* *:*:0.5..0.7", "12:00,", ",12:00",
]


def analyze_calendar(tool, exprs, tz, base):
    args = [tool, "calendar", "--iterations=5", f"--base-time={base}", *exprs]
    return run(args, env={"TZ": tz, "LC_ALL": "C"})


def strip_from_now(text):
    return [line for line in text.splitlines() if not line.startswith("       From now: ")]


def compare(tinysd, exprs, tz, base):
    want = analyze_calendar(ANALYZE, exprs, tz, base)
    got = analyze_calendar(tinysd, exprs, tz, base)
    w, g = strip_from_now(want.stdout), strip_from_now(got.stdout)
    if w != g:
        # name the first differing expression
        for i, (a, b) in enumerate(zip(w, g)):
            if a != b:
                ctx = "\n".join(w[max(0, i - 4):i + 2])
                pytest.fail(f"TZ={tz} base={base}: line {i}: systemd {a!r} tinysd {b!r}\n{ctx}")
        pytest.fail(f"TZ={tz} base={base}: {len(w)} lines from systemd, {len(g)} from tinysd")
    assert got.stderr == want.stderr, f"TZ={tz} base={base}"
    assert got.returncode == want.returncode


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("base", BASES)
def test_edge_cases(tinysd, tz, base):
    compare(tinysd, [e for e in EDGE if e], tz, base)


def test_empty_expression_alone(tinysd):
    # an empty argument fails to parse; alone, so its error is the whole output
    compare(tinysd, [""], "UTC", BASES[0])


# ---- a seeded generator of calendar expressions ----

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Monday", "friday", "SUN"]


def component(rng, lo, hi, width=2):
    def num(v):
        return str(v).zfill(rng.choice([1, width])) if v >= 0 else str(v)
    kind = rng.random()
    a = rng.randint(lo, hi)
    if kind < 0.4:
        return num(a)
    # mostly well-formed (end after start, a step that fits), sometimes not
    b = rng.randint(a, hi) if rng.random() < 0.85 else rng.randint(lo, hi + 2)
    if kind < 0.6:
        return f"{num(a)}..{num(b)}"
    r = rng.randint(1, max(1, (hi - a) // 2)) if rng.random() < 0.9 else rng.randint(0, hi - lo)
    if kind < 0.8:
        return f"{num(a)}/{r}"
    return f"{num(a)}..{num(b)}/{r}"


def chain(rng, lo, hi, width=2, star=0.3):
    if rng.random() < star:
        return "*"
    return ",".join(component(rng, lo, hi, width) for _ in range(rng.choice([1, 1, 1, 2, 3])))


def seconds(rng):
    if rng.random() < 0.3:
        return "*"
    parts = []
    for _ in range(rng.choice([1, 1, 2])):
        a = rng.choice([str(rng.randint(0, 59)), f"{rng.randint(0, 59)}.{rng.randint(0, 999999)}", "0"])
        k = rng.random()
        if k < 0.5:
            parts.append(a)
        elif k < 0.75:
            parts.append(f"{a}/{rng.choice(['5', '7.5', '0.25', '15', '30', '1'])}")
        else:
            a = rng.randint(0, 30)
            parts.append(f"{a}..{rng.randint(a, 59)}" + rng.choice(["", "/2", "/2.5"]))
    return ",".join(parts)


def weekdays(rng):
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        a = rng.choice(WEEKDAYS)
        out.append(a if rng.random() < 0.5 else f"{a}{rng.choice(['..', '-'])}{rng.choice(WEEKDAYS)}")
    return ",".join(out)


def expression(rng):
    words = []
    if rng.random() < 0.3:
        words.append(weekdays(rng))
    if rng.random() < 0.7:
        sep = "~" if rng.random() < 0.15 else "-"
        md = f"{chain(rng, 1, 12)}{sep}{chain(rng, 1, 31 if sep == '-' else 28)}"
        if rng.random() < 0.6:
            year = chain(rng, 1970, 2210, 4, 0.5) if rng.random() < 0.9 else chain(rng, 0, 99)
            md = f"{year}-{md}"
        words.append(md)
    if rng.random() < 0.8:
        t = f"{chain(rng, 0, 24)}:{chain(rng, 0, 60)}"
        if rng.random() < 0.6:
            t += f":{seconds(rng)}"
        words.append(t)
    if not words:
        words.append(rng.choice(["hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]))
    k = rng.random()
    if k < 0.1:
        words.append("UTC")
    elif k < 0.15:
        words.append(rng.choice(["Europe/Berlin", "America/New_York", "Asia/Tokyo", "CET", "EST"]))
    s = " ".join(words)
    if rng.random() < 0.03:   # damage it
        i = rng.randrange(len(s))
        s = s[:i] + rng.choice(["x", ":", "-", ".", ",", " ", "/", "~", ""]) + s[i + 1:]
    return s.strip() or "daily"


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin", "America/New_York"])
def test_random_expressions(tinysd, tz):
    rng = random.Random(f"tinysd-calendar-{tz}")
    exprs = [expression(rng) for _ in range(3000)]
    exprs = [e for e in exprs if not e.startswith("-")]
    for i in range(0, len(exprs), 250):
        base = BASES[(i // 250) % len(BASES)]
        compare(tinysd, exprs[i:i + 250], tz, base)


def test_from_now_and_options(tinysd):
    # "From now" is relative to the real clock: same shape as systemd's
    r = run([tinysd, "calendar", "--iterations=2", "--base-time=2020-01-01 UTC", "daily"], env={"TZ": "UTC"})
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "  Original form: daily"
    assert lines[3].startswith("       From now: ") and lines[3].endswith(" ago")
    assert lines[4] == "       Iter. #2: Fri 2020-01-03 00:00:00 UTC"
    for args in (["--iterations=-1", "daily"], ["--iterations", "daily"], ["--base-time=xx", "daily"], []):
        want = run([ANALYZE, "calendar", *args])
        got = run([tinysd, "calendar", *args])
        assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr), args
    want = run([ANALYZE, "calendar", "--iterations=0", "daily", "*-*-* 6,18:00"])
    got = run([tinysd, "calendar", "--iterations=0", "daily", "*-*-* 6,18:00"])
    assert got.stdout == want.stdout and got.returncode == want.returncode == 0
