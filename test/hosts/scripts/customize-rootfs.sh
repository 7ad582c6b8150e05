#!/bin/bash
# Runs inside the new rootfs (chroot) from build-rootfs.sh: makes Debian 12 behave like a CentOS 7
# minimal host for rpm/yum and systemd, sets up sshd, the deploy user and the local repos.
#   customize-rootfs.sh KERNEL_RELEASE
set -euo pipefail
kernel=$1
export DEBIAN_FRONTEND=noninteractive

# --- rpm / yum -------------------------------------------------------------------------------
mkdir -p /etc/rpm /var/lib/rpm /etc/yum.repos.d /etc/dnf
echo '%_dbpath /var/lib/rpm' > /etc/rpm/macros
cat > /etc/popt <<'EOS'
rpm alias -i --install --force-debian
rpm alias -U --upgrade --force-debian
rpm alias -F --freshen --force-debian
rpm alias -e --erase --force-debian
rpm alias --install --install --force-debian
rpm alias --upgrade --upgrade --force-debian
rpm alias --freshen --freshen --force-debian
rpm alias --erase --erase --force-debian
EOS
ln -sf dnf /usr/bin/yum
rm -f /etc/yum.repos.d/*
cat > /etc/yum.repos.d/hostwright-local.repo <<'EOS'
[hostwright-local]
name=hostwright local test repo
baseurl=file:///srv/repo
enabled=1
gpgcheck=0
metadata_expire=0
EOS
cat > /etc/dnf/dnf.conf <<'EOS'
[main]
gpgcheck=0
installonly_limit=3
clean_requirements_on_remove=True
best=False
skip_if_unavailable=False
EOS
rpm --initdb
rpm -i /tmp/hw-build/rpms/*.rpm
systemctl enable chronyd.service firewalld.service

# --- apt: the local repo only ----------------------------------------------------------------
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
echo 'deb [trusted=yes] file:/srv/apt ./' > /etc/apt/sources.list.d/hostwright-local.list
rm -rf /var/lib/apt/lists/*
apt-get update -qq

# --- systemd ---------------------------------------------------------------------------------
systemctl enable systemd-networkd.service
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
            dnf-makecache.timer console-getty.service getty@tty1.service systemd-timesyncd.service; do
  systemctl mask "$unit" >/dev/null 2>&1 || true
done
# Only net.* sysctls are writable in a container: mask Debian's files that set other keys.
for f in /usr/lib/sysctl.d/*.conf; do
  [ -e "$f" ] || continue
  if grep -Ev '^\s*([#;]|$)' "$f" | grep -Evq '^\s*-?net\.'; then ln -sf /dev/null "/etc/sysctl.d/$(basename "$f")"; fi
done
# No loadable modules on this kernel: declare what is built in so that `modprobe br_netfilter` succeeds.
mkdir -p "/lib/modules/$kernel"
{ sed 's|.*|kernel/builtin/&.ko|' /tmp/hw-build/builtin-modules
  for m in br_netfilter bridge overlay vxlan veth dummy tun nf_conntrack nf_nat ip_tables iptable_filter \
           iptable_nat ip6_tables xt_conntrack xt_MASQUERADE ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh; do
    echo "kernel/builtin/$m.ko"; done; } | sort -u > "/lib/modules/$kernel/modules.builtin"
: > "/lib/modules/$kernel/modules.order"
depmod "$kernel"

# --- names, ssh, users -----------------------------------------------------------------------
sed -i -E 's/^hosts:.*/hosts:          files myhostname dns/' /etc/nsswitch.conf
rm -f /etc/ssh/ssh_host_*
cat > /etc/ssh/sshd_config.d/hostwright.conf <<'EOS'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxStartups 200:30:400
MaxSessions 100
EOS
useradd -m -s /bin/bash deploy
echo 'deploy:deploy-sudo' | chpasswd
printf 'Defaults:deploy timestamp_timeout=0\ndeploy ALL=(root) ALL\n' > /etc/sudoers.d/deploy
chmod 440 /etc/sudoers.d/deploy
mkdir -p /var/lib/hostwright-standin && chmod 1777 /var/lib/hostwright-standin
: > /etc/machine-id
