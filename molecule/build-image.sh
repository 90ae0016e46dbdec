#!/usr/bin/env bash
# Builds the Debian image the molecule instances run, once: no container registry is reachable from these
# machines, so the image comes from Debian's package mirror through debootstrap and `podman import`.
# Skips everything when the image already exists (remove it with `podman rmi IMAGE` to rebuild).
#
#   molecule/build-image.sh [IMAGE]        default IMAGE: localhost/citadel-molecule-debian:bookworm
#
# Needs root, debootstrap and podman (`make molecule-deps` installs them).
set -euo pipefail

IMAGE=${1:-localhost/citadel-molecule-debian:bookworm}
SUITE=${MOLECULE_DEBIAN_SUITE:-bookworm}
MIRROR=${MOLECULE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# python3 for Ansible (python3-apt for its apt module), systemd as PID 1, and what the roles use.
PACKAGES=python3,python3-apt,systemd,systemd-sysv,dbus,procps,iproute2,logrotate,ca-certificates,curl

if podman image exists "$IMAGE"; then
    echo "image $IMAGE exists; not rebuilding"
    exit 0
fi

root=$(mktemp -d /var/tmp/citadel-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "building $IMAGE with debootstrap ($SUITE, $MIRROR)"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 \
    || { tail -n 30 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# A container has no consoles or hardware: keep systemd from waiting for them.
chroot "$root" systemctl mask getty@tty1.service console-getty.service systemd-udevd.service \
    systemd-udev-trigger.service systemd-remount-fs.service sys-kernel-debug.mount >/dev/null 2>&1 || true
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | podman import \
    --change 'CMD ["/sbin/init"]' --change 'ENV container=podman' --change 'STOPSIGNAL SIGRTMIN+3' \
    - "$IMAGE" >/dev/null
echo "built $IMAGE"
