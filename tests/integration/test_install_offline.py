# SPDX-License-Identifier: MIT
"""Differential tests of systemctl's offline unit-file verbs: the real /usr/bin/systemctl 252
(--root=DIR) against `tinysd systemctl-offline --root=DIR`.

Each scenario builds a root tree, runs a sequence of commands with the real systemctl, records
stdout, stderr, exit status and the resulting tree (every symlink with its target, every file),
then rebuilds the same tree AT THE SAME PATH and does the same with tinysd; messages name the
root path, so the two runs must share it."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import CORPUS, run
from corpus_tools import materialize

SYSTEMCTL = "/usr/bin/systemctl"

pytestmark = pytest.mark.skipif(not os.path.exists(SYSTEMCTL), reason="no /usr/bin/systemctl to compare with")

ENV = {"SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "SYSTEMD_LOG_LEVEL": "info", "SYSTEMCTL_SKIP_SYSV": "1",
       "LC_ALL": "C.UTF-8"}

SVC = "[Unit]\nDescription=%s\n[Service]\nExecStart=/bin/true\n"


def build(root: pathlib.Path, files: dict):
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):          # ("link", target)
            os.symlink(content[1], p)
        elif content is None:                   # a directory
            p.mkdir(parents=True, exist_ok=True)
        else:
            p.write_text(content)


def snapshot(root: pathlib.Path):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        out.append(("dir", rel))
        for f in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                out.append(("link", os.path.join(rel, f), os.readlink(p)))
            else:
                out.append(("file", os.path.join(rel, f), pathlib.Path(p).read_bytes()))
    return out


def run_all(cmd_prefix, root, commands):
    res = []
    for args in commands:
        p = run(cmd_prefix + ["--root=" + str(root)] + list(args), env=ENV)
        # getopt names the program by argv[0]: /usr/bin/systemctl vs tinysd's verb name
        err = p.stderr.replace(cmd_prefix[-1] + ": ", "PROG: ")
        res.append((list(args), p.returncode, p.stdout, err))
    return res


def differential(tinysd, tmp_path, files, commands):
    root = tmp_path / "root"
    build(root, files)
    want = run_all([SYSTEMCTL], root, commands)
    want_tree = snapshot(root)
    build(root, files)
    got = run_all([tinysd, "systemctl-offline"], root, commands)
    got_tree = snapshot(root)
    for w, g in zip(want, got):
        assert g[3].count("Sanitizer") == 0 and "runtime error" not in g[3], g[3]
        assert g == w, f"command {w[0]}:\nwant rc={w[1]} out={w[2]!r} err={w[3]!r}\ngot  rc={g[1]} out={g[2]!r} err={g[3]!r}"
    assert got_tree == want_tree
    return want


LIB = "usr/lib/systemd/system/"
ETC = "etc/systemd/system/"


def base_tree():
    return {
        LIB + "multi-user.target": "[Unit]\nDescription=Multi-User\n",
        LIB + "graphical.target": "[Unit]\nDescription=Graphical\n",
        LIB + "sockets.target": "[Unit]\nDescription=Sockets\n",
        LIB + "timers.target": "[Unit]\nDescription=Timers\n",
        LIB + "default.target": ("link", "graphical.target"),
        LIB + "plain.service": SVC % "plain" + "[Install]\nWantedBy=multi-user.target\n",
        LIB + "req.service": SVC % "req" + "[Install]\nRequiredBy=multi-user.target graphical.target\n",
        LIB + "alias.service": SVC % "alias" + "[Install]\nAlias=other-name.service\nWantedBy=multi-user.target\n",
        LIB + "also.service": SVC % "also" + "[Install]\nAlso=also.socket\n",
        LIB + "also.socket": "[Socket]\nListenStream=/run/also.sock\n[Install]\nWantedBy=sockets.target\n",
        LIB + "static.service": SVC % "static",
        LIB + "tmpl@.service": SVC % "tmpl %i" + "[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n",
        LIB + "noinst@.service": SVC % "noinst %i" + "[Install]\nWantedBy=multi-user.target\n",
        LIB + "spec.service": SVC % "spec" + "[Install]\nWantedBy=multi-user.target\nAlias=%p-alias.service\n",
        LIB + "missingtarget.service": SVC % "m" + "[Install]\nWantedBy=nonexistent.target\n",
        LIB + "unknownkey.service": SVC % "u" + "[Install]\nWantedBy=multi-user.target\nUpheldBy=multi-user.target\n[X-Foo]\nA=b\n",
        LIB + "dropin.service": SVC % "dropin",
        LIB + "dropin.service.d/install.conf": "[Install]\nWantedBy=multi-user.target\n",
        LIB + "timer.timer": "[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n",
        LIB + "timer.service": SVC % "timer",
        LIB + "badalias.service": SVC % "badalias" + "[Install]\nAlias=badalias.socket\n",
    }


SCENARIOS = {
    "enable-wantedby": [["enable", "plain.service"], ["is-enabled", "plain.service"], ["enable", "plain"]],
    "enable-requiredby": [["enable", "req.service"], ["is-enabled", "req"]],
    "enable-alias": [["enable", "alias.service"], ["is-enabled", "alias.service", "other-name.service"],
                     ["disable", "alias.service"], ["is-enabled", "alias.service"]],
    "enable-also": [["enable", "also.service"], ["is-enabled", "also.service", "also.socket"],
                    ["disable", "also.service"]],
    "enable-static": [["enable", "static.service"], ["is-enabled", "static.service"]],
    "enable-static-quiet": [["enable", "-q", "static.service"]],
    "enable-template-default-instance": [["enable", "tmpl@.service"], ["is-enabled", "tmpl@.service", "tmpl@def.service", "tmpl@other.service"],
                                         ["disable", "tmpl@.service"]],
    "enable-template-instance": [["enable", "tmpl@foo.service"], ["is-enabled", "tmpl@foo.service", "tmpl@.service"],
                                 ["enable", "noinst@bar.service"], ["is-enabled", "noinst@bar.service", "noinst@.service"],
                                 ["disable", "noinst@bar.service"]],
    "enable-template-no-instance": [["enable", "noinst@.service"]],
    "enable-specifier": [["enable", "spec.service"], ["is-enabled", "spec-alias.service"]],
    "enable-missing-target": [["enable", "missingtarget.service"]],
    "enable-unknown-key": [["enable", "unknownkey.service"]],
    "enable-dropin": [["enable", "dropin.service"], ["is-enabled", "dropin.service"]],
    "enable-timer": [["enable", "timer.timer"], ["is-enabled", "timer.timer", "timer.service"]],
    "enable-bad-alias": [["enable", "badalias.service"]],
    "enable-unknown": [["enable", "nope.service"], ["disable", "nope.service"], ["is-enabled", "nope.service"]],
    "enable-multiple": [["enable", "plain.service", "req.service", "alias.service"], ["disable", "plain", "req", "alias"]],
    "enable-runtime": [["enable", "--runtime", "plain.service"], ["is-enabled", "plain.service"],
                       ["disable", "plain.service"], ["disable", "--runtime", "plain.service"]],
    "enable-now": [["enable", "--now", "plain.service"]],
    "reenable": [["enable", "plain.service"], ["reenable", "plain.service"], ["reenable", "alias.service"]],
    "mask-unmask": [["mask", "plain.service"], ["is-enabled", "plain.service"], ["enable", "plain.service"],
                    ["mask", "plain.service"], ["unmask", "plain.service"], ["is-enabled", "plain.service"],
                    ["unmask", "plain.service"]],
    "mask-runtime": [["mask", "--runtime", "plain.service"], ["is-enabled", "plain.service"], ["unmask", "--runtime", "plain.service"]],
    "mask-missing": [["mask", "ghost.service"], ["is-enabled", "ghost.service"], ["unmask", "ghost.service"]],
    "mask-enabled": [["enable", "plain.service"], ["mask", "plain.service"], ["disable", "plain.service"],
                     ["unmask", "plain.service"]],
    "link": [["link", "/opt/linked.service"], ["is-enabled", "linked.service"], ["enable", "linked.service"],
             ["is-enabled", "linked.service"], ["disable", "linked.service"], ["is-enabled", "linked.service"],
             ["link", "/opt/missing.service"], ["link", "relative.service"]],
    "link-enable-path": [["enable", "/opt/linked.service"], ["is-enabled", "linked.service"], ["reenable", "linked.service"]],
    "set-get-default": [["get-default"], ["set-default", "multi-user.target"], ["get-default"], ["set-default", "multi-user"],
                        ["set-default", "nope.target"], ["set-default", "plain.service"], ["set-default", "default.target"]],
    "no-default": [["get-default"]],
    "list-unit-files": [["list-unit-files"], ["enable", "alias.service", "plain.service"], ["mask", "static.service"],
                        ["list-unit-files"], ["list-unit-files", "--no-legend"], ["list-unit-files", "*.socket", "p*"],
                        ["list-unit-files", "--state=enabled,masked"], ["list-unit-files", "-t", "target"],
                        ["list-unit-files", "--type=socket,timer", "--no-legend"], ["list-unit-files", "nomatch*"]],
    "is-enabled-states": [["enable", "alias.service"], ["mask", "--runtime", "timer.service"],
                          ["is-enabled", "plain.service", "alias.service", "other-name.service", "also.service",
                           "static.service", "timer.service", "tmpl@.service", "default.target"],
                          ["is-enabled", "-q", "plain.service"], ["is-enabled", "-q", "static.service"],
                          ["is-enabled", "--quiet", "plain.service", "static.service"], ["is-enabled", "nope.service", "static.service"],
                          ["is-enabled", "static.service", "nope.service"]],
    "preset-default-enable": [["preset", "plain.service", "static.service", "tmpl@.service"], ["preset", "alias.service"]],
    "preset-files": [["preset", "plain.service", "req.service", "alias.service"],
                     ["preset", "--preset-mode=disable-only", "plain.service", "req.service", "alias.service"],
                     ["preset", "--preset-mode=enable-only", "plain.service", "req.service", "alias.service"],
                     ["enable", "req.service"],
                     ["preset", "--preset-mode=enable-only", "req.service"],
                     ["preset", "--preset-mode=full", "req.service"],
                     ["preset", "noinst@.service"], ["list-unit-files", "--no-legend"]],
    "preset-all": [["preset-all"], ["list-unit-files"], ["preset-all", "--preset-mode=disable-only"],
                   ["preset-all", "--preset-mode=enable-only"]],
    "preset-unknown": [["preset", "nope.service"], ["preset", "--preset-mode=bogus", "plain.service"]],
    "errors": [["enable"], ["set-default"], ["set-default", "a.target", "b.target"], ["bogus-verb"], ["start", "plain.service"],
               ["--bogus", "enable", "plain.service"], ["list-unit-files", "-t", "bogus"], ["preset-all", "x"],
               ["is-enabled"], ["-Z", "enable", "x"], ["list-unit-files", "--type"], ["enable", "-t"]],
    "generated-transient": [["is-enabled", "gen.service", "trans.service"], ["enable", "gen.service"], ["enable", "trans.service"],
                            ["list-unit-files", "--no-legend", "gen*", "trans*"]],
    "linked-state": [["is-enabled", "etclinked.service"], ["enable", "etclinked.service"], ["list-unit-files", "etclinked*"]],
    "enable-conflict": [["enable", "alias.service"], ["enable", "--force", "alias.service"]],
    "paths-and-names": [["enable", "/usr/lib/systemd/system/plain.service"], ["disable", "/usr/lib/systemd/system/plain.service"],
                        ["enable", "--no-reload", "foo bar"], ["is-enabled", "a:b"], ["enable", "req.service"],
                        ["is-enabled", "plain", "req"]],
    "enable-via-alias-name": [["enable", "alias.service"], ["enable", "other-name.service"], ["disable", "other-name.service"],
                              ["is-enabled", "alias.service", "other-name.service"]],
    "templates-advanced": [["enable", "tpl-alias@.service"], ["enable", "tpl-alias@one.service"],
                           ["is-enabled", "tpl-alias@one.service", "talias@one.service", "tpl-alias@.service"],
                           ["enable", "wants-template@.service"], ["enable", "wants-template@x.service"],
                           ["enable", "pct@.service"], ["is-enabled", "pct@.service", "pct@inst.service"],
                           ["disable", "tpl-alias@.service", "wants-template@.service", "pct@.service"]],
    "also-missing": [["enable", "alsomissing.service"], ["disable", "alsomissing.service"], ["preset", "alsomissing.service"]],
    "mask-conflicts": [["mask", "etcfile.service"], ["mask", "--force", "etcfile.service"], ["mask", "plain.service"],
                       ["mask", "plain.service"], ["is-enabled", "etcfile.service"], ["enable", "etcfile.service"],
                       ["list-unit-files", "--no-legend", "etc*", "dang*"]],
    "etc-units": [["enable", "etcunit.service"], ["is-enabled", "etcunit.service"], ["disable", "etcunit.service"],
                  ["is-enabled", "dangling.service", "etcalias.service"], ["list-unit-files", "--state=bad,alias"]],
    "quiet-verbs": [["enable", "-q", "plain.service"], ["disable", "--quiet", "plain.service"], ["set-default", "-q", "multi-user.target"],
                    ["mask", "-q", "static.service"], ["unmask", "-q", "static.service"], ["preset-all", "-q"]],
}

PRESETS = {
    "etc/systemd/system-preset/50-local.preset": "# local\nenable req.service\ndisable alias.service\n",
    "usr/lib/systemd/system-preset/90-default.preset": "enable plain.service\nenable noinst@.service a b\ndisable *\n",
    "usr/lib/systemd/system-preset/50-local.preset": "enable alias.service\n",
}

EXTRA = {
    "link": {"opt/linked.service": SVC % "linked" + "[Install]\nWantedBy=multi-user.target\n"},
    "link-enable-path": {"opt/linked.service": SVC % "linked" + "[Install]\nWantedBy=multi-user.target\n"},
    "generated-transient": {"run/systemd/generator/gen.service": SVC % "gen" + "[Install]\nWantedBy=multi-user.target\n",
                            "run/systemd/transient/trans.service": SVC % "trans"},
    "linked-state": {"opt/etclinked.service": SVC % "l" + "[Install]\nWantedBy=multi-user.target\n",
                     ETC + "etclinked.service": ("link", "/opt/etclinked.service")},
    "enable-conflict": {ETC + "other-name.service": ("link", "/usr/lib/systemd/system/plain.service")},
    "preset-files": PRESETS,
    "templates-advanced": {LIB + "tpl-alias@.service": SVC % "t" + "[Install]\nAlias=talias@.service\nWantedBy=multi-user.target\n",
                           LIB + "wants-template@.service": SVC % "w" + "[Install]\nRequiredBy=grp@.target\nWantedBy=grp@%i.target\n",
                           LIB + "grp@.target": "[Unit]\n",
                           LIB + "pct@.service": SVC % "p" + "[Install]\nDefaultInstance=inst\nWantedBy=multi-user.target\nAlias=pct-%i@.service\n"},
    "also-missing": {LIB + "alsomissing.service": SVC % "a" + "[Install]\nAlso=ghost.service plain.service\nWantedBy=multi-user.target\n"},
    "mask-conflicts": {ETC + "etcfile.service": SVC % "etc"},
    "etc-units": {ETC + "etcunit.service": SVC % "etcunit" + "[Install]\nWantedBy=multi-user.target\nAlias=etcalias.service\n",
                  ETC + "dangling.service": ("link", "/usr/lib/systemd/system/gone.service")},
    "preset-all": PRESETS,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_offline_scenario(tinysd, tmp_path, name):
    files = base_tree()
    if name == "no-default":
        del files[LIB + "default.target"]
    files.update(EXTRA.get(name, {}))
    differential(tinysd, tmp_path, files, SCENARIOS[name])


def test_header_narrower_than_names(tinysd, tmp_path):
    files = {LIB + "a.target": "[Unit]\n", LIB + "b.service": SVC % "b"}
    differential(tinysd, tmp_path, files, [["list-unit-files"], ["list-unit-files", "--no-legend"]])


def corpus_packages():
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


def test_corpus_differential(tinysd, tmp_path):
    pkgs = corpus_packages()
    if not pkgs:
        pytest.skip(f"{CORPUS} is absent: the Debian unit-file corpus lives in ../shared")
    src = tmp_path / "corpus-tree"
    materialize(pkgs, src)
    names = set()
    for d in ("lib/systemd/system", "usr/lib/systemd/system"):
        base = src / d
        if base.is_dir():
            names.update(p.name for p in base.iterdir() if not p.is_dir() and "." in p.name)
    names = sorted(n for n in names if not n.endswith((".d", ".wants", ".requires")) and not n.startswith("."))
    files = {}
    for p in sorted(src.rglob("*")):
        rel = str(p.relative_to(src))
        if p.is_symlink():
            files[rel] = ("link", os.readlink(p))
        elif p.is_dir():
            files[rel] = None
        else:
            files[rel] = p.read_text(errors="replace")
    plain = [n for n in names if "@." not in n]
    commands = [["list-unit-files"], ["is-enabled"] + names]
    commands += [["is-enabled", n] for n in names]
    commands += [["preset", "--preset-mode=enable-only", n] for n in names]
    commands += [["list-unit-files"], ["disable"] + plain, ["list-unit-files", "--no-legend"]]
    commands += [["enable", n] for n in names]
    commands += [["list-unit-files"], ["preset-all"], ["list-unit-files"]]
    differential(tinysd, tmp_path, files, commands)
