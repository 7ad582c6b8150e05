#!/bin/bash
# Keeps one test host's systemd-nspawn running across `systemctl reboot` (nspawn exits 133 then).
# Started by test/hosts/machine.ts under setsid, so it outlives the shell that started the hosts.
#   supervise.sh NAME HOST_DIR ROOT_DIR REPO_DIR APT_DIR BRIDGE
# HOST_DIR gets supervisor.pid, nspawn.pid and exit (the last exit status); a file HOST_DIR/stopping
# makes it stop instead of restarting.
set -u
name=$1 dir=$2 root=$3 repo=$4 apt=$5 bridge=$6
echo $$ > "$dir/supervisor.pid"
# Own cgroups: without them containers share /payload in the root cgroup and `systemctl status`
# inside one of them fails with "Failed to dump process list".
hierarchies="/sys/fs/cgroup/systemd /sys/fs/cgroup/unified"
[ -e /sys/fs/cgroup/systemd/cgroup.procs ] || hierarchies=/sys/fs/cgroup   # pure cgroup2
for h in $hierarchies; do
  [ -e "$h/cgroup.procs" ] || continue
  cg=$h/hostwright/$name
  mkdir -p "$cg" && echo $$ > "$cg/cgroup.procs"
done
while :; do
  systemd-nspawn --boot --machine="$name" --hostname="$name" --directory="$root" \
    --network-bridge="$bridge" --resolv-conf=off --timezone=off --link-journal=no \
    --console=read-only --register=no --keep-unit \
    --bind-ro="$repo:/srv/repo" --bind-ro="$apt:/srv/apt" &
  echo $! > "$dir/nspawn.pid"
  wait $!
  rc=$?
  echo "$rc" > "$dir/exit"
  echo "supervise: systemd-nspawn exited with status $rc" >&2
  [ -e "$dir/stopping" ] && break
  [ "$rc" = 133 ] || break
done
rm -f "$dir/nspawn.pid" "$dir/supervisor.pid"
