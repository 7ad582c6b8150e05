#!/bin/sh
# Command-line stand-in for the test RPMs (docker, kubectl, firewall-cmd, chronyc); chosen by name.
name=$(basename "$0")
case "$name" in
docker)
  if [ "$1" = version ]; then
    printf 'Client:\n Version:         1.13.1\n API version:     1.26\n'
    if [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      printf 'Server:\n Version:         1.13.1\n API version:     1.26\n'; exit 0
    fi
    echo 'Cannot connect to the Docker daemon. Is the docker daemon running on this host?' >&2; exit 1
  fi
  echo "docker stand-in: '$*' is not implemented" >&2; exit 1 ;;
kubectl)
  if [ "$1" = version ]; then
    echo 'Client Version: version.Info{Major:"1", Minor:"5", GitVersion:"v1.5.2"}'; exit 0
  fi
  echo "kubectl stand-in: '$*' is not implemented" >&2; exit 1 ;;
firewall-cmd)
  if systemctl is-active -q firewalld; then
    [ "$1" = --state ] && echo running; [ "$1" = --state ] || echo success; exit 0
  fi
  echo 'not running'; exit 252 ;;
chronyc)
  if systemctl is-active -q chronyd; then echo 'Reference ID    : 7F7F0101 ()'; echo 'Leap status     : Normal'; exit 0; fi
  echo '506 Cannot talk to daemon'; exit 1 ;;
esac
echo "$name: unknown stand-in" >&2; exit 1
