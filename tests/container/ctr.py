#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Small CLI over tests/container: build the Debian images, boot one as a container with tinysd.

  ctr.py build [base|services]          build (or find) the cached image, print its path
  ctr.py sources                        the mirror and sources.list the images would use
  ctr.py run [--mode M] [--keep DIR] [--tinysd BIN] [IMAGE]
                                        boot IMAGE (default: the services image) with BIN as
                                        /sbin/init, print PID 1's output; Ctrl-C = `docker stop`
  ctr.py exec PID1 CMD...               `docker exec` into a container booted by `run`
"""
import argparse
import os
import pathlib
import signal
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))

import image  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("kind", nargs="?", default="services", choices=("base", "services"))
    sub.add_parser("sources")
    r = sub.add_parser("run")
    r.add_argument("image", nargs="?")
    r.add_argument("--mode", default="docker")
    r.add_argument("--tinysd", default=os.environ.get("TINYSD", str(pathlib.Path(__file__).resolve().parents[2] / "build/tinysd")))
    r.add_argument("--keep", help="container directory to reuse (second boot of the same root)")
    e = sub.add_parser("exec")
    e.add_argument("pid1", type=int)
    e.add_argument("argv", nargs=argparse.REMAINDER)
    a = ap.parse_args()

    if a.cmd == "sources":
        print("mirror:", image.mirror())
        print(image.image_sources_list(), end="")
        return 0
    if a.cmd == "build":
        try:
            print(image.ensure(a.kind))
        except image.ImageUnavailable as ex:
            print(f"ctr.py: {ex}", file=sys.stderr)
            return 1
        return 0
    if a.cmd == "exec":
        import subprocess
        cmd = ["nsenter", "--target", str(a.pid1), "--pid", "--mount", "--uts", "--ipc", "--net",
               "--root", "--wd=/", "--", "/usr/bin/env", "-i", "PATH=" + image.APT_ENV["PATH"]] + a.argv
        return subprocess.call(cmd)
    from container import ImageContainer
    img = pathlib.Path(a.image) if a.image else image.ensure("services")
    c = ImageContainer(img, a.tinysd, mode=a.mode, workdir=a.keep)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    c.start()
    print(f"# PID 1 is host pid {c.pid1}; root {c.root}; `ctr.py exec {c.pid1} CMD` to enter", file=sys.stderr)
    printed = 0
    try:
        while c.running():
            out = c.output()
            sys.stdout.write(out[printed:])
            sys.stdout.flush()
            printed = len(out)
            time.sleep(0.2)
    except KeyboardInterrupt:
        print("# docker stop: SIGTERM to PID 1", file=sys.stderr)
        c.signal(signal.SIGTERM)
    rc = c.wait(15)
    sys.stdout.write(c.output()[printed:])
    print(f"# exit status {rc}", file=sys.stderr)
    c.close()
    if not a.keep:
        c.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
