#!/bin/bash
# Builds the test RPMs (test/hosts/rpm/*.spec) and indexes them as a yum repo.
#   build-rpms.sh OUT_DIR     OUT_DIR is replaced; it gets *.rpm and repodata/
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hw-rpmbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/debs"

# etcd: Debian's real binaries from etcd-server / etcd-client.
(cd "$work/debs" && apt-get download etcd-server etcd-client >/dev/null 2>&1) || {
  echo "build-rpms: 'apt-get download etcd-server etcd-client' failed (run apt-get update?)" >&2; exit 1; }
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/debs/x"; done
cp "$work/debs/x/usr/bin/etcd" "$work/debs/x/usr/bin/etcdctl" "$work/src/"
cp "$here"/standin/* "$work/src/"

for spec in "$here"/rpm/*.spec; do
  rpmbuild -bb --quiet \
    --define "_topdir $work/top" --define "_sourcedir $work/src" \
    --define "_rpmdir $work/rpms" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "_binary_payload w3.zstdio" --define "_build_id_links none" \
    "$spec" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; echo "build-rpms: rpmbuild failed for $spec" >&2; exit 1; }
done
rm -rf "$out.new" && mkdir -p "$out.new"
cp "$work"/rpms/*.rpm "$out.new/"
createrepo_c --quiet "$out.new"
rm -rf "$out" && mv "$out.new" "$out"
