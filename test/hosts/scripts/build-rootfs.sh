#!/bin/bash
# Builds the shared Debian 12 rootfs of the test hosts (mmdebstrap minbase + customize-rootfs.sh).
#   build-rootfs.sh DEST REPO_DIR APT_DIR     DEST is replaced; REPO_DIR = built yum repo, APT_DIR = built apt repo
set -euo pipefail
dest=$1 repo=$2 apt=$3
here=$(cd "$(dirname "$0")" && pwd)
sources=""
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  if [ -s "$f" ]; then sources=$f; break; fi
done
[ -n "$sources" ] || { echo "build-rootfs: no apt sources file (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list)" >&2; exit 1; }

packages=systemd,systemd-sysv,dbus,libnss-myhostname,openssh-server,iproute2,iputils-ping,procps,kmod,rpm,dnf,python3
packages=$packages,curl,ca-certificates,iptables,conntrack,socat,netbase,sudo,passwd,adduser,selinux-utils,less,cpio
# For the user, group and cron task types (shadow utils come with passwd).
packages=$packages,cron
# For the copy, unarchive, git and getUrl task types (tar and gzip are in every rootfs; wget beside curl).
packages=$packages,xz-utils,unzip,git,wget

tmp=$dest.tmp
rm -rf "$tmp"
mmdebstrap --variant=minbase --include="$packages" --quiet \
  --skip=cleanup/apt/lists --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='mkdir -p "$1/tmp/hw-build/rpms" "$1/srv/apt" "$1/srv/repo"' \
  --customize-hook="cp $repo/hw-base-provides-*.rpm $repo/centos-release-*.rpm $repo/chrony-*.rpm $repo/firewalld-*.rpm \"\$1/tmp/hw-build/rpms/\"" \
  --customize-hook="cp -r $apt/. \"\$1/srv/apt/\"" \
  --customize-hook="cp $here/customize-rootfs.sh \"\$1/tmp/hw-build/\"" \
  --customize-hook="printf '%s\n' \$(ls /sys/module) > \"\$1/tmp/hw-build/builtin-modules\"" \
  --customize-hook="chroot \"\$1\" /bin/bash /tmp/hw-build/customize-rootfs.sh $(uname -r)" \
  --customize-hook='rm -rf "$1/tmp/hw-build" "$1"/srv/apt/*' \
  bookworm "$tmp" "$sources"
rm -rf "$dest"
mv "$tmp" "$dest"
