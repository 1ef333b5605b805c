#!/bin/bash
# Boot to every daemon active, and the stop, of the second e2e image (tests/container/image.py,
# systemd_rsyslog_image) under the real systemd 252 and under tinysd, on copies of the same rootfs,
# in the same sandbox (../shared/tools/real-systemd/sdbox.sh: Docker's 14 capabilities, cgroup
# namespace). Root only; a Debian 12 host. Usage: bench/e2e-real-systemd.sh IMAGE_DIR [RUNS]
#   IMAGE_DIR  e.g. /var/tmp/tinysd-images/systemd-rsyslog-<key>   RUNS  default 3
# Boot time: from just before exec of PID 1 until `systemctl is-system-running` says running (or
# degraded) and every unit of UNITS is active, polled every 50 ms through nsenter (the poll costs
# are in both figures). Stop: real systemd with SIGRTMIN+3 (SIGTERM makes it re-execute; Docker
# images of systemd set STOPSIGNAL so), tinysd with SIGTERM (`docker stop`), until PID 1 is gone.
set -u
IMAGE=${1:?usage: $0 IMAGE_DIR [RUNS]}; RUNS=${2:-3}
HERE=$(dirname "$(readlink -f "$0")")
SDBOX=${SDBOX:-$HERE/../../shared/tools/real-systemd/sdbox.sh}
TINYSD=${TINYSD:-$HERE/../build-static/tinysd}
WORK=${WORK:-/var/tmp/tinysd-e2e-real-systemd}
UNITS="rsyslog.service dbus.service avahi-daemon.service apache2.service exim4.service prometheus-node-exporter.service cron.service"
[ -x "$SDBOX" ] || { echo "no $SDBOX"; exit 77; }
[ -x "$TINYSD" ] || { echo "no $TINYSD (make static)"; exit 77; }
mkdir -p "$WORK"
rm -rf "$WORK/systemd" "$WORK/tinysd"
cp -a "$IMAGE" "$WORK/systemd"; cp -a "$IMAGE" "$WORK/tinysd"
rm "$WORK/tinysd/lib/systemd/systemd"; cp "$TINYSD" "$WORK/tinysd/lib/systemd/systemd"
n_units=$(echo $UNITS | wc -w)

run() {   # run ROOTFS NAME STOPSIGNAL
  export RESEARCH=$WORK R=$1 CG=v2ns CAPS=docker TTY=0
  local N=$2 st act P t0 t1
  $SDBOX cleanup $N >/dev/null 2>&1
  P=$($SDBOX start $N)
  local t_end=$(( $(date +%s) + 120 ))
  while [ $(date +%s) -lt $t_end ]; do
    st=$($SDBOX exec $N systemctl is-system-running 2>/dev/null)
    act=$($SDBOX exec $N systemctl is-active $UNITS 2>/dev/null | grep -c '^active$')
    [ "$act" = "$n_units" ] && case "$st" in running|degraded) break;; esac
    sleep 0.05
  done
  t1=$(date +%s.%N); t0=$(cat /proc/$P/root/run/.sdbox-t0)
  echo "$N: $st, $act/$n_units active after $(python3 -c "print(round(($t1-$t0)*1000))") ms"
  $SDBOX exec $N /bin/bash -c 'TIMEFORMAT="$0: hostnamectl took %Rs"; time hostnamectl >/dev/null 2>&1' $N 2>&1 | tail -1
  echo "$N: $($SDBOX stop $N $3 30)"
  $SDBOX cleanup $N
}
for i in $(seq $RUNS); do
  run "$WORK/systemd" real-systemd RTMIN+3
  run "$WORK/tinysd" tinysd TERM
done
echo "load average: $(cat /proc/loadavg)"
