#!/bin/bash
# tools/gen-reference.sh - regenerate tests/data/reference/ : `systemctl show --all` output of the
# REAL systemd 252 (Debian 12) for unit files of the Debian bookworm corpus.
#
# What it does
#   1. makes sure the debootstrap'ed bookworm rootfs of the shared real-systemd tools exists
#      ($RESEARCH/rootfs, built by /work/shared/tools/real-systemd/run-real-systemd.sh; the Debian
#      mirror is read from this machine's apt configuration at run time by that script),
#   2. copies it to a private, throw-away rootfs ($RESEARCH/tinysd-ref-rootfs.PID) and installs the unit
#      files of the packages listed in UNITS below as vendor units (/lib/systemd/system/...), never
#      overwriting a file the rootfs already ships (identical files are reused, different ones skipped),
#   3. boots the real systemd as PID 1 in a sandbox (sdbox.sh, CG=v2ns), runs `systemctl show --all UNIT`
#      for every listed unit (plus a few of systemd's own units), `systemd --version` and
#      `systemctl list-units --all --type=mount`,
#   4. writes everything (plus README.md) into a staging dir and only on success replaces tests/data/reference/.
#
# Usage:  sudo tools/gen-reference.sh            (root required: unshare/pivot_root/cgroups)
# Env:    RESEARCH   work dir of the shared tools (default /var/tmp/real-systemd)
#         SHARED     location of the shared tools/corpus (default /work/shared)
#         OUT        output dir (default <repo>/tests/data/reference)
#         MAX_SECONDS hard time limit of the whole run (default 1500: a cold debootstrap takes minutes;
#                    a warm run takes well under a minute)
#         KEEP_ROOTFS=1 keep the private rootfs copy afterwards (for debugging)
# Only the sandbox started by this script is stopped/cleaned; only PIDs it started are killed.
set -eu

MAX_SECONDS=${MAX_SECONDS:-1500}
# --- hard time bound: re-exec ourselves under timeout(1). On expiry timeout sends SIGTERM to us (and to
# our own process group); the TERM trap below stops the sandbox and removes temporary state.
if [ -z "${GENREF_UNDER_TIMEOUT:-}" ]; then
  export GENREF_UNDER_TIMEOUT=1
  exec timeout -k 40 "$MAX_SECONDS" bash "$0" "$@"
fi

[ "$(id -u)" = 0 ] || { echo "gen-reference.sh: must run as root" >&2; exit 1; }

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SHARED=${SHARED:-/work/shared}
TOOLS=$SHARED/tools/real-systemd
CORPUS=$SHARED/corpus/debian-bookworm
export RESEARCH=${RESEARCH:-/var/tmp/real-systemd}
BASE=$RESEARCH/rootfs                     # shared rootfs (read-only for us, except when first built)
WORK=$RESEARCH/tinysd-ref-rootfs.$$       # private copy that gets the corpus units (unique per run)
OUT=${OUT:-$REPO/tests/data/reference}
NAME=tinysd-ref-$$                        # sandbox name (unique per run)
STAGE=$RESEARCH/tinysd-ref-out.$$         # output staging dir
SDBOX=$TOOLS/sdbox.sh
STARTED=0

log() { echo "[gen-reference] $*" >&2; }

# --- cleanup: only the sandbox we started, our staging dir, our rootfs copy
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$STARTED" = 1 ]; then
    R=$WORK timeout 15 "$SDBOX" stop "$NAME" RTMIN+3 8 >/dev/null 2>&1 || true
    R=$WORK timeout 15 "$SDBOX" cleanup "$NAME" >/dev/null 2>&1 || true
    # keep the console log of a failed run for debugging, drop the run dir otherwise
    [ "$rc" = 0 ] && rm -rf "$RESEARCH/runs/$NAME"
  fi
  rm -rf "$STAGE"
  [ "${KEEP_ROOTFS:-0}" = 1 ] || rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted / time limit reached"; exit 124' INT TERM

# ---------------------------------------------------------------------------------------------------
# Units to record: "<corpus package>: <unit> ...". Template units are given as instances
# (the whole package tree, including *.d drop-in dirs and *.wants dirs, is installed regardless).
# Packages whose units the base rootfs already ships (systemd, udev, dbus) are not used; apt and
# e2fsprogs are installed in the rootfs from the same bookworm package, their files are identical.
UNITS='
389-ds-base: dirsrv@example.service dirsrv-snmp.service dirsrv.target
acpid: acpid.service acpid.socket acpid.path
anacron: anacron.service anacron.timer
apt: apt-daily.service apt-daily.timer apt-daily-upgrade.service apt-daily-upgrade.timer
auditd: auditd.service
avahi-daemon: avahi-daemon.service avahi-daemon.socket
bluez: bluetooth.service
caddy: caddy.service caddy-api.service
clamav-daemon: clamav-daemon.service clamav-daemon.socket clamav-clamonacc.service
cloud-init: cloud-init.service cloud-final.service cloud-init-hotplugd.socket
colord: colord.service
containerd: containerd.service
coturn: coturn.service
cron: cron.service
cups-daemon: cups.service cups.socket cups.path
docker.io: docker.service docker.socket
e2fsprogs: e2scrub_all.service e2scrub_all.timer e2scrub_reap.service e2scrub@-.service
etcd-server: etcd.service
frr: frr.service frr@second.service
gdm3: gdm.service
haveged: haveged.service
icinga2-bin: icinga2.service
influxdb: influxdb.service
kdump-tools: kdump-tools.service
keepalived: keepalived.service
knot-resolver: kresd@1.service kresd.target kres-cache-gc.service
libvirt-daemon-system: libvirtd.service libvirtd.socket virtlogd.service libvirt-guests.service
lldpd: lldpd.service
lxc: lxc.service lxc-net.service lxc@demo.service
mdadm: mdmonitor.service mdmon@md127.service mdadm-shutdown.service mdcheck_start.service mdcheck_start.timer
memcached: memcached.service
multipath-tools: multipathd.service multipathd.socket
nagios-nrpe-server: nagios-nrpe-server.service
netdata-core: netdata.service
network-manager: NetworkManager.service NetworkManager-wait-online.service
nfs-kernel-server: nfs-server.service nfs-mountd.service
nginx-common: nginx.service
nscd: nscd.service
nut-server: nut-server.service nut-driver@ups1.service nut-driver-enumerator.path nut-driver.target
opendkim: opendkim.service
opensmtpd: opensmtpd.service
openssh-server: ssh.service ssh.socket rescue-ssh.target
openvswitch-switch: openvswitch-switch.service ovs-vswitchd.service ovsdb-server.service
packagekit: packagekit.service packagekit-offline-update.service
podman: podman.service podman.socket podman-auto-update.timer
postgresql-common: postgresql.service postgresql@15-main.service pg_dump@15-main.service pg_dump@15-main.timer pg_receivewal@15-main.service
proftpd-core: proftpd.service proftpd.socket
prometheus-alertmanager: prometheus-alertmanager.service
puppet-agent: puppet.service
rabbitmq-server: rabbitmq-server.service
rasdaemon: rasdaemon.service ras-mc-ctl.service
redis-server: redis-server.service redis-server@test.service
rng-tools5: rngd.service
rsync: rsync.service
samba: smbd.service nmbd.service samba-ad-dc.service
smartmontools: smartmontools.service
spamassassin: spamassassin-maintenance.service spamassassin-maintenance.timer
sssd-common: sssd.service sssd-nss.service sssd-nss.socket
sysstat: sysstat.service sysstat-collect.service sysstat-collect.timer
thermald: thermald.service
trafficserver: trafficserver.service
ufw: ufw.service
upower: upower.service
uwsgi-core: uwsgi-app@myapp.service uwsgi-app@myapp.socket
wireguard-tools: wg-quick@wg0.service wg-quick.target
zabbix-agent: zabbix-agent.service
'
# systemd's own units recorded for format reference (_builtin/)
# (getty@tty1: template instance; rescue: WorkingDirectory=-/root; systemd-networkd: ExecStart=!!...;
#  initrd-parse-etc: ExecStart=@...; -.mount/tmp.mount: mount units that show up as implicit deps)
BUILTIN='multi-user.target sysinit.target basic.target system.slice systemd-journald.service systemd-journald.socket dbus.socket
  getty@tty1.service rescue.service systemd-networkd.service initrd-parse-etc.service -.mount tmp.mount'

# ---------------------------------------------------------------------------------------------------
# 1. base rootfs (debootstrap on first use). run-real-systemd.sh does step 0 (debootstrap + bench units)
#    for every mode and runs its matrix/bench only for the modes matrix|bench|all, so mode "rootfs"
#    just builds/refreshes the rootfs. It has its own time bound (MAX_SECONDS).
if [ ! -x "$BASE/lib/systemd/systemd" ]; then
  log "building the bookworm rootfs under $BASE (debootstrap, first run only; takes minutes)"
  sub=$((MAX_SECONDS - 120)); [ "$sub" -ge 60 ] || sub=60
  MAX_SECONDS=$sub "$TOOLS/run-real-systemd.sh" rootfs >&2
  [ -x "$BASE/lib/systemd/systemd" ] || { log "rootfs build failed, see $RESEARCH/debootstrap.log"; exit 1; }
fi

# 2. private copy of the rootfs + corpus units
log "copying rootfs to $WORK"
rm -rf "$WORK" "$STAGE"
cp -a "$BASE" "$WORK"
mkdir -p "$STAGE/_builtin"
INSTALL_LOG=$STAGE/.install.log; : > "$INSTALL_LOG"

# install_tree SRC DST PKG: copy one unit directory tree without overwriting anything.
# Entries of *.wants/ and *.requires/ dirs are flattened to regular files in the corpus; dpkg
# installs them as symlinks "../<name>", which is what systemd expects, so recreate the symlinks.
install_tree() {
  local src=$1 dst=$2 pkg=$3 rel d
  [ -d "$src" ] || return 0
  ( cd "$src" && find . -type f -o -type l ) | sed 's|^\./||' | sort | while read -r rel; do
    d=$dst/$rel
    mkdir -p "$(dirname "$d")"
    case "$(dirname "$rel")" in
      *.wants|*.requires)
        if [ -e "$d" ] || [ -L "$d" ]; then echo "$pkg $rel exists-skipped" >> "$INSTALL_LOG"
        else ln -s "../$(basename "$rel")" "$d"; echo "$pkg $rel symlink" >> "$INSTALL_LOG"; fi;;
      *)
        if [ -e "$d" ]; then
          if cmp -s "$src/$rel" "$d"; then echo "$pkg $rel identical-preinstalled" >> "$INSTALL_LOG"
          else echo "$pkg $rel DIFFERENT-preinstalled-skipped" >> "$INSTALL_LOG"; fi
        else cp "$src/$rel" "$d"; chmod 0644 "$d"; echo "$pkg $rel installed" >> "$INSTALL_LOG"; fi;;
    esac
  done
}
echo "$UNITS" | while IFS=: read -r pkg units; do
  [ -n "$pkg" ] || continue
  [ -d "$CORPUS/$pkg" ] || { log "corpus package $pkg missing"; exit 1; }
  install_tree "$CORPUS/$pkg/lib/systemd/system" "$WORK/lib/systemd/system" "$pkg"
  install_tree "$CORPUS/$pkg/etc/systemd/system" "$WORK/etc/systemd/system" "$pkg"
done

# 3. boot the real systemd (cgroup namespace + writable cgroup2: the only layout that boots)
log "booting systemd in sandbox $NAME"
STARTED=1
R=$WORK CG=v2ns timeout 30 "$SDBOX" start "$NAME" >/dev/null
sx() { R=$WORK timeout 30 "$SDBOX" exec "$NAME" "$@"; }   # run a command inside the sandbox
st=""
for _ in $(seq 150); do    # <= ~30 s
  st=$(sx systemctl is-system-running 2>/dev/null || true)
  case "$st" in running|degraded) break;; esac
  sleep 0.2
done
case "$st" in running|degraded) log "system state: $st";; *) log "systemd did not boot (state '$st')"; exit 1;; esac

sx systemd --version > "$STAGE/VERSION"
sx systemctl list-units --all --type=mount --no-pager > "$STAGE/_builtin/mounts.txt"
sx systemctl get-default > "$STAGE/_builtin/default-target.txt"
sx systemctl show > "$STAGE/_builtin/manager.show"           # manager (PID 1) properties
for u in $BUILTIN; do sx systemctl show --all -- "$u" > "$STAGE/_builtin/$u.show"; done

# record the corpus units
echo "$UNITS" | while IFS=: read -r pkg units; do
  [ -n "$pkg" ] || continue
  mkdir -p "$STAGE/$pkg"
  for u in $units; do sx systemctl show --all -- "$u" > "$STAGE/$pkg/$u.show"; done
done

# 4. README ------------------------------------------------------------------------------------------
prop() { sed -n "s/^$1=//p" "$2" | head -1; }
VER=$(head -1 "$STAGE/VERSION")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
cat <<EOF
# Reference \`systemctl show\` output of the real systemd 252

Generated by \`tools/gen-reference.sh\` — do not edit by hand; re-run the script instead.

- Generated: $NOW
- systemd: \`$VER\` (full \`systemd --version\` in [VERSION](VERSION))
- Command (as root, from the repo root): \`tools/gen-reference.sh\`
  (boots Debian 12's systemd as PID 1 in a sandbox via \`/work/shared/tools/real-systemd/sdbox.sh\`
  with \`CG=v2ns\`; the rootfs is a debootstrap'ed bookworm \`minbase\` + systemd, dbus, procps, python3)
- Per unit: \`systemctl show --all UNIT > <package>/<UNIT>.show\` run inside the sandbox
  (no unit listed here is started or enabled: all are \`inactive\`/\`dead\`; default target: \`$(cat "$STAGE/_builtin/default-target.txt")\`).
- Unit files come from \`/work/shared/corpus/debian-bookworm/<package>/lib/systemd/system/\` (and
  \`etc/systemd/system/\`), copied into a private copy of the rootfs as vendor units under
  \`/lib/systemd/system/\` (files in \`*.wants/\` dirs recreated as symlinks \`../NAME\` as dpkg installs them).
  Files the rootfs already ships are never overwritten (apt and e2fsprogs units are byte-identical and
  come from the rootfs' own copy of the same packages).

## Files

- \`VERSION\` — \`systemd --version\` inside the sandbox.
- \`<package>/<unit>.show\` — \`systemctl show --all <unit>\`.
- \`_builtin/<unit>.show\` — the same for units shipped by systemd itself (format reference; several are active).
- \`_builtin/manager.show\` — \`systemctl show\` (manager properties).
- \`_builtin/mounts.txt\` — \`systemctl list-units --all --type=mount\` in the sandbox.
- \`_builtin/default-target.txt\` — \`systemctl get-default\` in the sandbox.

Not comparable literally:
- **Order of every dependency list is random per boot** (systemd hashes with a per-process random key):
  two runs give the same *sets* but different orders for \`Requires=\`, \`Wants=\`, \`After=\`, \`Before=\`,
  \`Conflicts=\`, \`WantedBy=\`, \`RequiresMountsFor=\`, \`TriggeredBy=\`, \`Names=\` ... Compare these as sets.
- Host/sandbox dependent: \`TasksMax\`, \`Limit*\` (NOFILE, NPROC, SIGPENDING...), \`MemoryAvailable\`, \`%H\`
  (hostname \`bench-container\`, e.g. in etcd's \`Environment=\`), timer \`NextElapseUSecRealtime\`/\`next_elapse\`
  (randomized delays), timestamps, \`InvocationID\`, PIDs, \`ControlGroup\` and counters of the active \`_builtin\` units.
- \`UnitFileState\`: \`disabled\` unless the rootfs enabled the unit (apt timers, e2scrub: \`enabled\`);
  \`UnitFilePreset=enabled\` because Debian's only preset file (90-systemd.preset) has no \`disable *\`.

\`systemctl show UNIT\` reflects the units *currently loaded*: the unit itself, what it references
(loaded transitively, e.g. \`ovsdb-server\` -> \`PartOf=openvswitch-switch\` -> \`ovs-vswitchd\` gives
\`ovsdb-server\` a reverse \`Before=ovs-vswitchd.service\`) and what the boot transaction loaded. Units loaded
only for an earlier \`show\` are garbage-collected right after, so the order in which the files were produced
does not matter (checked: \`acpid.service\` shows \`TriggeredBy=acpid.socket\` but never \`acpid.path\`).

## Units

| package (version) | unit | LoadState | Type | FragmentPath | DropInPaths |
|---|---|---|---|---|---|
EOF
echo "$UNITS" | while IFS=: read -r pkg units; do
  [ -n "$pkg" ] || continue
  pv=$(cut -d' ' -f2 "$CORPUS/$pkg/.version" 2>/dev/null || echo '?')
  for u in $units; do
    f=$STAGE/$pkg/$u.show
    printf '| %s (%s) | [%s](%s) | %s | %s | %s | %s |\n' "$pkg" "$pv" "$u" "$pkg/$u.show" \
      "$(prop LoadState "$f")" "$(prop Type "$f")" "$(prop FragmentPath "$f")" "$(prop DropInPaths "$f")"
  done
done
echo
echo "Units that did not load (LoadState != loaded):"
n=0
for f in "$STAGE"/*/*.show; do
  case "$f" in */_builtin/*) continue;; esac
  ls=$(prop LoadState "$f")
  if [ "$ls" != loaded ]; then echo "- ${f#$STAGE/}: $ls $(prop LoadError "$f")"; n=$((n+1)); fi
done
[ "$n" = 0 ] && echo "none."
echo
echo "Install log (corpus files that already existed in the rootfs):"
echo
pre=$(grep -v -E ' (installed|symlink)$' "$INSTALL_LOG" || true)
if [ -n "$pre" ]; then printf '%s\n' "$pre" | sed 's/^/- /'; else echo "- none"; fi
echo
cat <<'EOF'
## Implicit dependencies (computed)

For every `.service` above: dependency names in `Requires=`/`Wants=`/`After=`/`Before=`/`Conflicts=`
that do not occur in the unit's own text (fragment + drop-ins, `%i`/`%I` expanded), i.e. that systemd added
itself. Count = number of services (out of the total) where the name was added in that property.

| added name | property | services | e.g. |
|---|---|---|---|
EOF
} > "$STAGE/README.md"

# implicit dependency statistics (host side, reads the unit text from the private rootfs copy)
TOTAL=$(ls "$STAGE"/*/*.service.show | grep -vc '/_builtin/')
for f in "$STAGE"/*/*.service.show; do
  case "$f" in */_builtin/*) continue;; esac
  u=$(basename "$f" .show); inst=""
  case "$u" in *@*.service) inst=${u#*@}; inst=${inst%.service};; esac
  text=$( { for p in $(prop FragmentPath "$f") $(prop DropInPaths "$f"); do cat "$WORK$p"; done; } \
          | grep -v '^[[:space:]]*[#;]' | sed "s/%i/$inst/g; s/%I/$inst/g" )
  for P in Requires Wants After Before Conflicts; do
    for d in $(prop "$P" "$f"); do
      printf '%s\n' "$text" | grep -qF -- "$d" || echo "$d $P ${u%.service}"
    done
  done
done | sort -k1,2 | awk -v t="$TOTAL" '
  { k = $1 " | " $2; n[k]++; if (n[k] <= 6) l[k] = l[k] (n[k] > 1 ? ", " : "") $3; else if (n[k] == 7) l[k] = l[k] ", ..." }
  END { for (k in n) printf "%d\t| %s | %d/%d | %s |\n", n[k], k, n[k], t, l[k] }' \
  | sort -t"$(printf '\t')" -k1,1nr -k2 | cut -f2- >> "$STAGE/README.md"

cat >> "$STAGE/README.md" <<'EOF'

(`system-<template>.slice` rows come from instances of template units: an instance is placed into
`system-<prefix>.slice`, which gets `Requires=`/`After=`; the slice itself `Requires=`/`After=` `system.slice`.)

## Notable formatting observations (systemd 252, `systemctl show`)

(Items marked with the examples `!`, `:`, `~`, `1.500000s`, `1d 1h 1min 1s`, `"B=\$z"` were checked once by hand
with throw-away units in the same sandbox; they are not among the files here. Everything else is visible in
the files.)

- One `Name=value` per line; `--all` also prints empty properties (`Name=`); some complex ones print
  `[unprintable]`, unset numbers `[not set]`, missing counters `[no data]`. Booleans are `yes`/`no`.
- Lists of strings (`Requires=`, `After=`, `Documentation=`, `Environment=`, `RequiresMountsFor=` ...)
  are space separated; each item is shell-quoted only if needed: items containing whitespace, `(`,
  `)`, `\`, `` ` ``, `$`, `"`, `'`, ... are wrapped in `"..."` with `\`, `"`, `` ` ``, `$` backslash-escaped:
  `Documentation="man:nginx(8)" https://...`, `Environment="LIBVIRTD_ARGS=--timeout 120" KEEP=3`,
  `Requires=sysinit.target "system-nut\\x2ddriver.slice"`. Single-string properties are never quoted
  (`Slice=system-nut\x2ddriver.slice`, `Description=...`).
- `Exec*=`: one line per command, the property name repeated:
  `ExecStart={ path=P ; argv[]=ARGV ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`.
  `argv[]` = arguments joined by single spaces with **no quoting/escaping** (`-g daemon on; master_process on;`,
  `-o -p -- \u`), `$VAR`/`$MAINPID` kept literally, `%i`/`%I`/`%H`/`%n` already expanded. `-` prefix ->
  `ignore_errors=yes`; `+`/`!`/`!!`/`:` do not change `ignore_errors`. `@` prefix -> `path=` is the binary,
  `argv[]` starts with the given argv0. A non-absolute command stays as written (`path=systemctl`).
  Every `ExecX=` is followed by `ExecXEx=` with `flags=` instead of `ignore_errors=`
  (`ignore-failure` for `-`, `privileged` for `+`, `no-setuid` for `!`, `ambient` for `!!`, `no-env-expand` for `:`,
  space separated, e.g. `flags=ignore-failure no-setuid`; empty if none).
- `EnvironmentFiles=`: one line **per file**: `EnvironmentFiles=/etc/default/ssh (ignore_errors=yes)` for
  `EnvironmentFile=-/etc/default/ssh`, `(ignore_errors=no)` without `-`. Absent -> no line at all.
- `Environment=`: all assignments (all `Environment=` lines, file order) on one line, quoting as above
  (`Environment="A=x y" B=$z C=` -> `Environment="A=x y" "B=\$z" C=`).
- `WorkingDirectory=`: the path; `-` prefix (missing ok) is shown as `!` (`WorkingDirectory=-/root` ->
  `!/root`); `~` is shown as `~`, `-~` as `!~`.
- Time spans (`RestartUSec`, `Timeout*USec`, ...): `format_timespan()` with units `y month w d h min s ms us`,
  largest first, space separated, zero parts omitted (`1min 30s`, `6min 40s`, `100ms`, `2min`, `1h`, `12h`);
  0 -> `0`; unlimited -> `infinity`; fractions of a second as `1.500000s`; `90061s` -> `1d 1h 1min 1s`. `TimeoutStartSec=0` shows `infinity`; `Type=oneshot` without
  `TimeoutStartSec=` also shows `TimeoutStartUSec=infinity`; `TimeoutSec=` sets both start and stop;
  `TimeoutAbortUSec` follows `TimeoutStopUSec` unless set. Defaults: `RestartUSec=100ms`,
  `TimeoutStartUSec`/`TimeoutStopUSec=1min 30s`.
- `KillSignal=`/`RestartKillSignal=`/`FinalKillSignal=` are numbers (`15`, `SIGQUIT` -> `3`, `SIGUSR1` -> `10`);
  `RestartKillSignal` follows `KillSignal` when unset. `KillMode=` control-group|process|mixed|none.
- `User=`/`Group=`/`PIDFile=`: the string as written after specifier expansion, empty if unset.
- `WantedBy=`/`RequiredBy=` are the reverse of loaded `Wants=`/`Requires=` (e.g. from `*.wants/` symlinks of
  *enabled* units: `apt-daily.timer` -> `WantedBy=timers.target`); the `[Install]` section of a disabled unit
  contributes nothing.
- Implicit dependencies (table above): `DefaultDependencies=yes` services get `Requires=`+`After=`
  `sysinit.target`, `After=basic.target`, `Conflicts=`+`Before=` `shutdown.target`; every service gets
  `Requires=`+`After=` its slice (`system.slice`, or `system-<escaped template prefix>.slice` for instances);
  `After=systemd-journald.socket` unless stdout and stderr avoid the journal (`inherit`/`null`/`append:`...);
  `Type=dbus` -> `Requires=`+`After=dbus.socket` (`BusName=` alone does not: `_builtin/systemd-networkd.service`); `PrivateTmp=yes` -> `Wants=`+`After=tmp.mount`,
  `After=systemd-tmpfiles-setup.service`, `/var/tmp` added to `RequiresMountsFor=`; `WorkingDirectory=`
  (without `-`), `RuntimeDirectory=` (/run/X), `StateDirectory=` (/var/lib/X) and `RequiresMountsFor=` paths ->
  `After=` the mount unit of every path prefix that is a loaded mount (here `-.mount`, `tmp.mount`; only `After=`,
  as these mounts have no unit file); `StateDirectory=`/`CacheDirectory=`/`LogsDirectory=` -> `After=systemd-remount-fs.service`.
  Sockets/timers/paths add `Triggers=`/`TriggeredBy=` and `Before=` the triggered unit. Mount units of this
  sandbox: see `_builtin/mounts.txt` (no `run.mount`/`dev.mount`).
EOF

# sanity checks: every corpus unit must have produced a non-empty show with an Id= line
bad=0
for f in "$STAGE"/*/*.show; do
  [ "$f" = "$STAGE/_builtin/manager.show" ] && continue    # manager properties: no Id=
  grep -q '^Id=' "$f" || { log "no Id= in $f"; bad=1; }
done
[ "$bad" = 0 ] || exit 1

# 5. publish: replace the output dir atomically-ish (only after everything succeeded)
rm -f "$INSTALL_LOG"
mkdir -p "$OUT"
find "$OUT" -mindepth 1 -delete
cp -a "$STAGE/." "$OUT/"
log "wrote $(find "$OUT" -name '*.show' | wc -l) .show files to $OUT"
