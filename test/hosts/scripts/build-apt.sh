#!/bin/bash
# Builds the small local apt repo of the test hosts (flat repo: Packages, Packages.gz, Release).
#   build-apt.sh OUT_DIR     OUT_DIR is replaced
#   hw-hello 1.0-1   /usr/bin/hw-hello
#   hw-extra 1.0-1   /usr/bin/hw-extra, Depends: hw-hello
#   hw-config 1.0-1  conffile /etc/hw-config.conf
set -euo pipefail
out=$1
work=$(mktemp -d /tmp/hw-aptbuild.XXXXXX)
trap 'rm -rf "$work"' EXIT

deb() { # name version depends(or -) description; files already under $work/$name
  local name=$1 version=$2 depends=$3 desc=$4 root=$work/$1
  mkdir -p "$root/DEBIAN"
  {
    echo "Package: $name"; echo "Version: $version"; echo "Architecture: all"
    echo "Maintainer: hostwright tests <tests@hostwright.invalid>"
    [ "$depends" != - ] && echo "Depends: $depends"
    echo "Section: misc"; echo "Priority: optional"; echo "Description: $desc"
  } > "$root/DEBIAN/control"
  (cd "$root" && find . -path ./DEBIAN -prune -o -path './etc/*' -type f -print | sed 's|^\.||') > "$root/DEBIAN/conffiles"
  [ -s "$root/DEBIAN/conffiles" ] || rm "$root/DEBIAN/conffiles"
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$work/out/${name}_${version}_all.deb" >/dev/null
}
mkdir -p "$work/out" "$work/hw-hello/usr/bin" "$work/hw-extra/usr/bin" "$work/hw-config/etc"
printf '#!/bin/sh\necho "hello from hw-hello 1.0"\n' > "$work/hw-hello/usr/bin/hw-hello"
printf '#!/bin/sh\nhw-hello && echo "and hw-extra 1.0"\n' > "$work/hw-extra/usr/bin/hw-extra"
chmod 755 "$work/hw-hello/usr/bin/hw-hello" "$work/hw-extra/usr/bin/hw-extra"
printf '# hw-config test conffile\nsetting = default\n' > "$work/hw-config/etc/hw-config.conf"
deb hw-hello 1.0-1 - "hostwright test package: prints a greeting"
deb hw-extra 1.0-1 hw-hello "hostwright test package: depends on hw-hello"
deb hw-config 1.0-1 - "hostwright test package: ships a conffile"

cd "$work/out"
dpkg-scanpackages --multiversion . /dev/null 2>/dev/null > Packages
gzip -9nk Packages
{
  echo "Origin: hostwright"; echo "Label: hostwright test repo"; echo "Suite: stable"; echo "Codename: hostwright"
  echo "Date: $(LC_ALL=C date -u -R)"; echo "Architectures: all amd64"
  echo "MD5Sum:"; for f in Packages Packages.gz; do echo " $(md5sum < $f | cut -d' ' -f1) $(stat -c%s $f) $f"; done
  echo "SHA256:"; for f in Packages Packages.gz; do echo " $(sha256sum < $f | cut -d' ' -f1) $(stat -c%s $f) $f"; done
} > Release
rm -rf "$out.new" && cp -r "$work/out" "$out.new" && rm -rf "$out" && mv "$out.new" "$out"
