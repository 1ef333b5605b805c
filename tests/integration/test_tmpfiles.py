# SPDX-License-Identifier: MIT
"""`tinysd tmpfiles` against the host's systemd-tmpfiles (252): the same configuration applied to
two identical trees (`--root=`, never the real /) must give the same tree (type, mode, owner,
content, link target; times are not compared), the same exit status and the same messages."""
import os
import pathlib
import shutil
import stat
import textwrap
import time

import pytest

from conftest import run

SYSTEMD_TMPFILES = shutil.which("systemd-tmpfiles")
pytestmark = pytest.mark.skipif(SYSTEMD_TMPFILES is None or os.geteuid() != 0,
                                reason="needs the host's systemd-tmpfiles and root (chown)")

OLD = time.time() - 30 * 86400  # a month ago
ENV = {"SYSTEMD_LOG_COLOR": "0", "SYSTEMD_LOG_LOCATION": "0", "SYSTEMD_LOG_TIME": "0", "SYSTEMD_LOG_LEVEL": "info",
       "HOME": "/root", "TMPDIR": "/tmp"}


def snapshot(root):
    """{relative path: (type, mode, uid, gid, content or link target)} of everything below root."""
    out = {}
    root = pathlib.Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = pathlib.Path(dirpath) / name
            st = os.lstat(p)
            rel = str(p.relative_to(root)).replace(str(root).lstrip("/"), "ROOT")
            extra = None
            if stat.S_ISREG(st.st_mode):
                extra = p.read_bytes()
            elif stat.S_ISLNK(st.st_mode):
                extra = os.readlink(p).replace(str(root), "ROOT")
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                extra = (os.major(st.st_rdev), os.minor(st.st_rdev))
            out[rel] = (stat.S_IFMT(st.st_mode), oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid, extra)
    return out


def passwd(root):
    etc = pathlib.Path(root) / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/usr/sbin:/bin/false\n"
                                "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin\npostgres:x:106:110::/var/lib/postgresql:/bin/bash\n")
    (etc / "group").write_text("root:x:0:\ndaemon:x:1:\nadm:x:4:\nutmp:x:43:\nsystemd-journal:x:101:\n"
                               "postgres:x:110:\nnogroup:x:65534:\n")


def apply_both(tinysd, tmp_path, conf, setup=None, args=("--create", "--remove", "--boot"), conf_name="test.conf",
               in_root=False):
    """Runs both tools on fresh trees A and B; returns ((rc, stderr, tree) for systemd, for tinysd)."""
    results = []
    conf_path = tmp_path / conf_name
    conf_path.write_text(textwrap.dedent(conf).lstrip("\n"))
    for tool, name in ((SYSTEMD_TMPFILES, "A"), (tinysd, "B")):
        root = tmp_path / name
        root.mkdir()
        passwd(root)
        if setup:
            setup(root)
        cmd = [tool] if tool == SYSTEMD_TMPFILES else [tool, "tmpfiles"]
        cmd += [f"--root={root}", *args]
        if in_root:  # the configuration comes from ROOT/etc/tmpfiles.d
            d = root / "etc/tmpfiles.d"
            d.mkdir(parents=True, exist_ok=True)
            shutil.copy(conf_path, d / conf_name)
        else:
            cmd.append(str(conf_path))
        r = run(cmd, env=ENV)
        err = r.stderr.replace(str(root), "ROOT")
        results.append((r.returncode, err, snapshot(root)))
    return results


def assert_same(results):
    (rc_a, err_a, tree_a), (rc_b, err_b, tree_b) = results
    assert err_b == err_a
    assert rc_b == rc_a
    for k in sorted(set(tree_a) | set(tree_b)):
        assert tree_b.get(k) == tree_a.get(k), k
    return results[0]


def old(path, atime=True):
    os.utime(path, (OLD if atime else time.time(), OLD))


def write(root, rel, text="x", mode=0o644, when=None):
    p = pathlib.Path(root) / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    p.chmod(mode)
    if when:
        os.utime(p, (when, when))
    return p


# ---------------------------------------------------------------- one case per behaviour

def setup_existing(root):
    write(root, "exists/file", "old content\n", 0o600)
    write(root, "exists/long", "0123456789\n")
    (pathlib.Path(root) / "exists/dir/sub").mkdir(parents=True)
    write(root, "exists/dir/sub/f", "f")
    write(root, "exists/dir/g", "g")
    os.symlink("/nowhere", pathlib.Path(root) / "exists/dangling")
    os.symlink("file", pathlib.Path(root) / "exists/link")
    os.mkfifo(pathlib.Path(root) / "exists/fifo")
    (pathlib.Path(root) / "exists/emptydir").mkdir()
    src = pathlib.Path(root) / "usr/share/factory/etc/skel"
    src.mkdir(parents=True)
    write(root, "usr/share/factory/etc/skel/.bashrc", "alias ll='ls -l'\n", 0o640)
    (src / "sub").mkdir(mode=0o700)
    write(root, "usr/share/factory/etc/skel/sub/data", "data", 0o600)
    os.symlink(".bashrc", src / "rc")
    write(root, "src/tree/a", "a")
    write(root, "src/single", "single file\n", 0o755)


CASES = {
    "d-basic": """
        d /run/sshd 0755 root root -
        d /var/log/app 2750 daemon adm -
        d /a/b/c/d
        d /run/postgresql 2775 postgres postgres - -
        """,
    "d-modes-owner-prefixes": """
        d /exists/dir ~0700 :daemon :adm
        d /exists/emptydir :0700 1 1
        d /new ~0700 :daemon :adm
        d /new2 :0711 :1 :4
        """,
    "D-and-e": """
        D /exists/dir 0700
        e /exists/emptydir 0711 daemon
        e /exists/missing 0711
        e /exists/file 0700
        """,
    "f-and-f-plus": r"""
        f /exists/file 0644 - - - should not be written
        f+ /exists/long 0600 - - - short
        f /new/file 0640 daemon adm - hello\nworld\ttab
        f /new/empty
        F /new/deprecated - - - - F line
        f /exists/dir
        f+ /exists/fifo
        """,
    "w-and-w-plus": """
        w /exists/long - - - - AB
        w+ /exists/file - - - - appended
        w+ /exists/file - - - - twice
        w /exists/missing - - - - nothing
        w /exists/di? - - - - glob
        w /exists/dir/*/f - - - - deep
        """,
    "L-and-L-plus": """
        L /new/link - - - - /target
        L /exists/link - - - - other
        L+ /exists/dangling - - - - /new/target
        L+ /exists/dir - - - - replaced-dir
        L /etc/skel
        L /new/rel - - - - ../x/y
        """,
    "p-and-c-b": """
        p /new/fifo 0600
        p /exists/fifo 0640 daemon
        p /exists/file
        p+ /exists/long 0600
        c /dev/null-copy 0666 - - - 1:3
        b /dev/blk 0600 - - - 7:0
        c /dev/bad - - - - 1
        c /dev/noarg
        """,
    "z-Z-m": """
        z /exists/file 0640 daemon adm
        Z /exists/dir 0700 1 4
        m /exists/long 0600
        z /exists/nomatch* 0600
        """,
    "r-and-R": """
        r /exists/file
        r /exists/emptydir
        r /exists/dir
        R /exists/dir
        r /exists/nope
        R /exists/l*k
        """,
    "C-copies": """
        C /etc/skel
        C /copy/tree - - - - /src/tree
        C /copy/single 0600 - - - /src/single
        C /exists/emptydir - - - - /src/tree
        C /exists/dir - - - - /src/tree
        C /copy/missing - - - - /src/missing
        C /copy/rel - - - - src/tree
        C /copy/owned - daemon adm - /usr/share/factory/etc/skel
        """,
    "modifiers": """
        d! /bootonly
        d- /exists/file/sub
        d /exists/file/sub2
        f= /exists/dir 0600 - - - replaced by a file
        d= /exists/long 0700
        L=+ /exists/fifo - - - - /x
        d= /exists/link/x
        f~ /b64 - - - - aGVsbG8gd29ybGQK
        f~ /b64pad - - - - aGk=
        L~ /b64link - - - - aGVsbG8=
        w^ /cred - - - - mycred
        """,
    "base64-bad-stops-everything": """
        d /before
        f~ /b64bad - - - - %%%%
        """,
    "base64-unpadded": """
        f~ /b64 - - - - aGk
        """,
    "credential-name-bad": """
        f^ /cred2 - - - - ../bad
        """,
    "conflicts": """
        d /dup 0755
        d /dup 0700
        d /dup 0755
        f /dup
        z /dup 0711
        f /file 0644 - - - one
        f /file 0644 - - - two
        w+ /exists/file - - - - a
        w+ /exists/file - - - - b
        w /exists/long - - - - c
        w /exists/long - - - - d
        """,
    "bad-lines": """
        Y /x
        d relative
        d
        d /ok
        d /badmode 0999
        d /badmode2 abc
        d /nouser 0755 nosuchuser
        d /nogroup 0755 root nosuchgroup
        d /badage - - - 1x
        d /badageby - - - q:1d
        d "/unbalanced
        d!! /twice
        d* /unknownmod
        f /%Z
        w /nowarg
        d /arg - - - - ignored argument
        h /attr - - - - +Q
        h /attr2
        C /copy - - - - relative/source
        """,
    "specifiers": """
        d /s/%%literal
        d /s/%a
        d /s/%v
        d /s/%u-%U-%g-%G
        d /s/%h
        d /s/%T/%V
        d /s/%H/%l
        d /s/%w-%W-%o-%B
        d /s/%A
        d /s/%M
        d /s/%m
        d /s/%b
        d /s/%t/%S/%C/%L
        f /s/arg - - - - %u %H %%
        d /s/trailing%
        d /s/%-dash
        """,
    "var-run": """
        d /var/run/foo 0755
        d /var/run 0755
        """,
    "ages-default-by": """
        d /age 0755 - - 1d
        """,
    "ages-mtime": """
        d /age 0755 - - m:1d
        x /age/keep*
        """,
    "ages-keep-first-level": """
        d /age 0755 - - ~am:1d
        """,
    "ages-e-and-X": """
        e /age - - - aAmM:1h
        X /age/sub
        """,
    "x-protects-R": """
        R /age/sub
        x /age/sub/old
        """,
    "prefix-root-paths": """
        d /run/x
        d /var/lib/y
        d /srv/z
        """,
    "t-xattr": """
        f /xa
        t /xa - - - - user.test=hello user.other="two words"
        t /xa - - - - bad
        T /exists/dir - - - - user.rec=1
        """,
}


def setup_ages(root):
    r = pathlib.Path(root)
    for rel in ("age/oldfile", "age/keepme", "age/sub/oldsub", "age/sub/deep/old", "age/newfile",
                "age/sub/newsub"):
        write(root, rel, "data")
    for rel in ("age/oldfile", "age/keepme", "age/sub/oldsub", "age/sub/deep/old"):
        old(r / rel)
    os.symlink("x", r / "age/oldlink")
    os.utime(r / "age/oldlink", (OLD, OLD), follow_symlinks=False)
    sticky = write(root, "age/sticky", "s", 0o1644)
    old(sticky)
    (r / "age/emptyold").mkdir()
    old(r / "age/emptyold")
    old(r / "age/sub/deep")
    old(r / "age/sub")


SETUPS = {name: (setup_ages if name.startswith("ages") or name == "x-protects-R" else setup_existing) for name in CASES}


@pytest.mark.parametrize("name", sorted(CASES))
def test_differential(tinysd, tmp_path, name):
    args = ("--create", "--remove", "--boot")
    if name.startswith("ages"):
        args = ("--clean",)
    if name == "modifiers":
        args = ("--create", "--remove")  # '!' lines must be skipped without --boot
    rc, _, tree = assert_same(apply_both(tinysd, tmp_path, CASES[name], SETUPS[name], args))
    assert rc in (0, 65, 73, 1)
    for path in EXPECT.get(name, ()):  # the trees agree, and on something
        assert path in tree, path


EXPECT = {
    "d-basic": ["run/sshd", "var/log/app", "a/b/c/d", "run/postgresql"],
    "f-and-f-plus": ["new/file", "new/empty", "new/deprecated"],
    "L-and-L-plus": ["new/link", "etc/skel", "new/rel"],
    "C-copies": ["etc/skel/.bashrc", "etc/skel/sub/data", "copy/tree/a", "copy/single", "exists/emptydir/a"],
    "modifiers": ["b64", "b64pad"],
    "p-and-c-b": ["new/fifo", "dev/null-copy", "dev/blk"],
    "specifiers": ["s/%literal", "s/x86-64", "s/root-0-root-0", "s/root", "s/tmp/var/tmp"],
}


@pytest.mark.parametrize("extra", [("--prefix=/run",), ("--exclude-prefix=/run",), ("-E",),
                                   ("--prefix=/var", "--exclude-prefix=/var/lib")])
def test_prefixes(tinysd, tmp_path, extra):
    assert_same(apply_both(tinysd, tmp_path, CASES["prefix-root-paths"], None, ("--create", *extra)))


def test_ages_remove_old_files(tinysd, tmp_path):
    """The cleaned tree is the same, and really lost the old files (not just agreed on nothing)."""
    _, _, tree = assert_same(apply_both(tinysd, tmp_path, CASES["ages-mtime"], setup_ages, ("--clean",)))
    assert "age/oldfile" not in tree and "age/newfile" in tree
    assert "age/keepme" in tree and "age/sticky" in tree


def test_config_directories_override_by_basename(tinysd, tmp_path):
    def setup(root):
        for d, text in (("etc/tmpfiles.d/a.conf", "d /from-etc\n"), ("usr/lib/tmpfiles.d/a.conf", "d /from-usr-lib\n"),
                        ("usr/lib/tmpfiles.d/b.conf", "d /b-usr\nd /dup 0700\n"), ("run/tmpfiles.d/c.conf", "d /c-run\nd /dup 0755\n"),
                        ("usr/local/lib/tmpfiles.d/b.conf", "d /b-local\n"), ("lib/tmpfiles.d/d.conf", "d /d-lib\n"),
                        ("etc/tmpfiles.d/.hidden.conf", "d /hidden\n"), ("etc/tmpfiles.d/e.notconf", "d /notconf\n"),
                        ("usr/lib/tmpfiles.d/0.conf", "Y /bad\n")):
            write(root, d, text)
        (pathlib.Path(root) / "etc/tmpfiles.d/masked.conf").symlink_to("/dev/null")
        write(root, "usr/lib/tmpfiles.d/masked.conf", "d /masked\n")

    def apply(tool, root):
        cmd = [tool] if tool == SYSTEMD_TMPFILES else [tool, "tmpfiles"]
        return run(cmd + [f"--root={root}", "--create"], env=ENV)

    res = []
    for tool, name in ((SYSTEMD_TMPFILES, "A"), (tinysd, "B")):
        root = tmp_path / name
        root.mkdir()
        setup(root)
        r = apply(tool, root)
        res.append((r.returncode, r.stderr.replace(str(root), "ROOT"), snapshot(root)))
    _, _, tree = assert_same(res)
    assert "from-etc" in tree and "from-usr-lib" not in tree and "b-local" in tree and "b-usr" not in tree
    assert "d-lib" in tree and "hidden" not in tree and "masked" not in tree


def test_cat_config(tinysd, tmp_path):
    outs = []
    for tool, name in ((SYSTEMD_TMPFILES, "A"), (tinysd, "B")):
        root = tmp_path / name
        write(root, "etc/tmpfiles.d/a.conf", "d /a\n")
        write(root, "usr/lib/tmpfiles.d/b.conf", "# comment\nd /b\n")
        cmd = [tool] if tool == SYSTEMD_TMPFILES else [tool, "tmpfiles"]
        r = run(cmd + [f"--root={root}", "--cat-config", "--no-pager"], env=ENV)
        outs.append((r.returncode, r.stdout.replace(str(root), "ROOT")))
    assert outs[1] == outs[0]


def test_usage_errors(tinysd, tmp_path):
    for args in ([], [f"--root={tmp_path}", "/nonexistent.conf", "--create"]):
        a = run([SYSTEMD_TMPFILES, *args], env=ENV)
        b = run([tinysd, "tmpfiles", *args], env=ENV)
        assert (b.returncode, b.stderr) == (a.returncode, a.stderr)


DEBIAN_CONF = pathlib.Path("/usr/lib/tmpfiles.d")


@pytest.mark.skipif(not DEBIAN_CONF.is_dir(), reason="no /usr/lib/tmpfiles.d on this host")
@pytest.mark.parametrize("conf", sorted(p.name for p in DEBIAN_CONF.glob("*.conf")) + ["ALL"])
def test_debian_configuration(tinysd, tmp_path, conf):
    """The host's own tmpfiles.d files against empty roots (with the host's /etc/passwd and group)."""
    res = []
    for tool, name in ((SYSTEMD_TMPFILES, "A"), (tinysd, "B")):
        root = tmp_path / name
        (root / "etc").mkdir(parents=True)
        for db in ("passwd", "group"):
            shutil.copy(f"/etc/{db}", root / "etc" / db)
        d = root / "usr/lib/tmpfiles.d"
        d.mkdir(parents=True)
        for p in DEBIAN_CONF.glob("*.conf"):
            if conf in ("ALL", p.name):
                shutil.copy(p, d / p.name)
        cmd = [tool] if tool == SYSTEMD_TMPFILES else [tool, "tmpfiles"]
        r = run(cmd + [f"--root={root}", "--create", "--remove", "--boot"], env=ENV)
        err = r.stderr.replace(str(root), "ROOT")
        # ACLs (a/A lines, e.g. the journal's in systemd.conf) are not applied by tinysd, which
        # says so once; trees are compared without xattrs, so the rest must still agree
        err = err.replace("ACLs are not supported by tinysd's tmpfiles, skipping 'a' lines.\n", "")
        res.append((r.returncode, err, snapshot(root)))
    assert_same(res)
