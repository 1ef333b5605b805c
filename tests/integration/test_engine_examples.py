# SPDX-License-Identifier: MIT
"""The container recipe (issue 17): examples/container/ built and run as a user would.

* examples/container/Dockerfile: FROM debian:12 (here: image.py's debootstrap root filesystem
  imported as the base, `--build-arg BASE=`, as no registry is reachable), apt-get install of nginx
  and redis-server from Debian's archive, the static tinysd COPY'd as /sbin/init, an app unit
  enabled with `systemctl enable` at build time, HEALTHCHECK `systemctl is-system-running`. Built
  with `docker build` and `podman build` from the checkout's root (.dockerignore keeps the context
  to what it copies). Skipped when the build cannot reach Debian's archive.
* `docker run` with the defaults: healthy, nginx answers on 8080, the app counts in redis,
  `docker stop` exits 0 with the app stopped before redis (its After=).
* examples/container/compose.yaml under docker-compose (Debian's 1.29): up, healthy, the published
  port answers from the host, down.
* examples/container/kubernetes.yaml: Kubernetes itself is not available here; its pod's settings
  are read from the manifest and mirrored with docker run flags (runAsUser/runAsGroup -> --user,
  capabilities.drop ALL -> --cap-drop ALL, allowPrivilegeEscalation false -> no-new-privileges,
  readOnlyRootFilesystem -> --read-only, each emptyDir -> a tmpfs owned by the pod's user as
  fsGroup makes it writable, env -> -e, terminationGracePeriodSeconds -> docker stop -t); the
  readiness probe's command is run with docker exec until it succeeds, the liveness probe's GET is
  made inside; the pod is then stopped as the kubelet does (SIGTERM): exit 0.
"""
import hashlib
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "container"))

import engine as E  # noqa: E402
import image  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "container"
STATIC = ROOT / "build-static" / "tinysd"
NO_NETWORK = re.compile(r"Temporary failure resolving|Could not resolve|Failed to fetch|Unable to fetch")

HTTP_GET = "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3"


def build_example(eng):
    if not STATIC.exists():
        pytest.skip("no static build (make static)")
    try:
        rootfs = image.base_image()
    except image.ImageUnavailable as e:
        pytest.skip(f"no Debian image: {e}")
    base = eng.import_rootfs(rootfs, f"tinysd-test/base:{rootfs.name.rsplit('-', 1)[1]}", changes=())
    key = hashlib.sha256(STATIC.read_bytes() + (EX / "Dockerfile").read_bytes()
                         + (EX / "app.service").read_bytes()).hexdigest()[:12]
    tag = f"tinysd-test/example:{key}"
    if eng.has_image(tag):
        return base, tag
    extra = ["--format", "docker"] if eng.name == "podman" else []
    r = eng.cmd("build", *extra, "--build-arg", f"BASE={eng.ref(base)}", "-f", EX / "Dockerfile", "-t", tag, ROOT,
                timeout=1800)
    if r.returncode != 0 and NO_NETWORK.search(r.stdout + r.stderr):
        pytest.skip("the image build cannot reach Debian's archive")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return base, tag


@pytest.fixture(scope="module")
def docker():
    try:
        eng = E.engine("docker")
    except E.EngineUnavailable as e:
        pytest.skip(str(e))
    yield eng
    eng.remove_all()


@pytest.fixture(scope="module")
def example(docker):
    return build_example(docker)


def http_ok(c):
    r = c.exec(["bash", "-c", HTTP_GET])
    return r.stdout.startswith("HTTP/1.1 200")


def ticks(c):
    r = c.exec(["redis-cli", "GET", "app:ticks"])
    return r.returncode == 0 and r.stdout.strip().isdigit() and int(r.stdout) > 0


def stopped_app_before_redis(logs):
    a = logs.find("Stopped app.service")
    b = logs.find("Stopped redis-server.service")
    return 0 <= a < b


def test_docker_run_with_defaults(docker, example):
    _, tag = example
    c = docker.run(tag)
    c.wait_until(lambda: c.inspect("{{.State.Health.Status}}") == "healthy", timeout=90, what="healthy")
    c.wait_until(lambda: http_ok(c) and ticks(c), timeout=30, what="nginx and the app")
    took, rc = c.stop()
    logs = c.logs()
    assert rc == 0 and took < 10, (took, rc, logs[-3000:])
    assert stopped_app_before_redis(logs), logs[-3000:]
    c.rm()


def host_get(port):
    import urllib.request
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).status
    except OSError:
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_compose_file(docker, example):
    compose = shutil.which("docker-compose")
    if not compose:
        pytest.skip("docker-compose is not installed (tools/install-deps.sh installs it)")
    base, _ = example
    port = free_port()
    project = f"tinysdtest{os.getpid()}"
    env = dict(os.environ, TINYSD_BASE_IMAGE=base, TINYSD_EXAMPLE_PORT=str(port))
    args = [compose, "-p", project, "-f", str(EX / "compose.yaml")]
    try:
        r = subprocess.run(args + ["up", "-d", "--build"], capture_output=True, text=True, env=env, timeout=1800)
        if r.returncode != 0 and NO_NETWORK.search(r.stdout + r.stderr):
            pytest.skip("the image build cannot reach Debian's archive")
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        cid = subprocess.run(args + ["ps", "-q", "example"], capture_output=True, text=True, env=env,
                             timeout=60).stdout.strip()
        c = E.EngineContainer(docker, cid, None)
        c.wait_until(lambda: c.inspect("{{.State.Health.Status}}") == "healthy", timeout=90, what="healthy")
        assert c.inspect("{{.HostConfig.RestartPolicy.Name}}") == "on-failure"
        c.wait_until(lambda: host_get(port) == 200, timeout=30, what="the published port answering")
        r = subprocess.run(args + ["stop"], capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 0, r.stderr
        assert c.exit_code() == 0 and stopped_app_before_redis(c.logs())
    finally:
        subprocess.run(args + ["down", "-v", "--rmi", "local"], capture_output=True, env=env, timeout=300)


def kubernetes_pod():
    yaml = pytest.importorskip("yaml", reason="python3-yaml reads the manifest")
    return yaml.safe_load((EX / "kubernetes.yaml").read_text())


def pod_as_docker_flags(pod):
    """The pod's settings as docker run flags (what a kubelet with the default runtime would do)."""
    spec = pod["spec"]
    ctr = spec["containers"][0]
    psc, csc = spec["securityContext"], ctr["securityContext"]
    uid, gid = psc["runAsUser"], psc.get("runAsGroup", psc["runAsUser"])
    owner = psc.get("fsGroup", gid)
    assert psc["runAsNonRoot"] and uid != 0
    assert psc["seccompProfile"]["type"] == "RuntimeDefault"          # docker's default profile
    flags = ["--user", f"{uid}:{gid}"]
    if csc["capabilities"]["drop"] == ["ALL"]:
        flags += ["--cap-drop", "ALL"]
    if csc["allowPrivilegeEscalation"] is False:
        flags += ["--security-opt", "no-new-privileges"]
    if csc["readOnlyRootFilesystem"]:
        flags.append("--read-only")
    empty = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
    for m in ctr["volumeMounts"]:
        assert m["name"] in empty, m
        mode = ",mode=1777" if m["mountPath"] == "/tmp" else ""
        flags += ["--tmpfs", f"{m['mountPath']}:uid={uid},gid={owner}{mode}"]
    for e in ctr.get("env", []):
        flags += ["-e", f"{e['name']}={e['value']}"]
    return flags, ctr, spec.get("terminationGracePeriodSeconds", 30)


def test_kubernetes_pod_mirrored_with_docker_run(docker, example):
    _, tag = example
    flags, ctr, grace = pod_as_docker_flags(kubernetes_pod())
    c = docker.run(tag, flags=flags)
    probe = ctr["readinessProbe"]["exec"]["command"]
    c.wait_until(lambda: c.exec(probe).returncode == 0, timeout=90, what="ready (the readiness probe)")
    assert ctr["livenessProbe"]["httpGet"]["port"] == 8080
    c.wait_until(lambda: http_ok(c), timeout=30, what="the liveness probe's GET /")
    c.wait_until(lambda: ticks(c), timeout=30, what="the app counting in redis")
    status = c.exec(["grep", "-E", "^(Uid|CapEff|NoNewPrivs)", "/proc/1/status"]).stdout
    assert re.search(r"^Uid:\s+1000\s", status, re.M) and re.search(r"^CapEff:\s+0+$", status, re.M), status
    assert re.search(r"^NoNewPrivs:\s+1$", status, re.M), status
    took, rc = c.stop(timeout=grace)
    logs = c.logs()
    assert rc == 0 and took < grace, (took, rc, logs[-3000:])
    assert stopped_app_before_redis(logs), logs[-3000:]
    c.rm()


def test_podman_build_and_run(example):
    try:
        eng = E.engine("podman")
    except E.EngineUnavailable as e:
        pytest.skip(str(e))
    try:
        _, tag = build_example(eng)
        c = eng.run(tag)
        c.wait_until(lambda: eng.cmd("healthcheck", "run", c.name).returncode == 0, timeout=90, what="healthy")
        c.wait_until(lambda: http_ok(c) and ticks(c), timeout=30, what="nginx and the app")
        took, rc = c.stop()
        assert rc == 0 and took < 10 and stopped_app_before_redis(c.logs()), (took, rc, c.logs()[-3000:])
    finally:
        eng.remove_all()
