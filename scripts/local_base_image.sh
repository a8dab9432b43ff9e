#!/usr/bin/env bash
# A local stand-in for Airbyte's python-connector-base, for a machine that can run containers but cannot
# pull from Docker Hub. scripts/docker_check.py builds the repository's Dockerfile on it only then; real
# builds use the pinned base image (the Dockerfile's default BASE_IMAGE).
#
#   scripts/local_base_image.sh ENGINE TAG       # ENGINE: docker or podman; run as root
#
# What the Dockerfile relies on, as in the real base: Debian bookworm; Python 3.11 with pip as `python`
# and `pip` in /usr/local/bin (a venv, since Debian's own Python refuses `pip install` into the system);
# CA certificates; a user `airbyte` (uid 1000); /airbyte/integration_code as the working directory;
# root as the default user (the Dockerfile switches to `airbyte` itself). Nothing else: no compilers,
# git or package caches. Built from Debian's packages with debootstrap (installed if missing), so it
# needs only the Debian mirror this machine's apt already uses. About a minute.
set -euo pipefail

if [ $# -ne 2 ] || { [ "$1" != docker ] && [ "$1" != podman ]; }; then
  echo "usage: $0 docker|podman TAG" >&2
  exit 2
fi
engine=$1
tag=$2

if [ "$(id -u)" -ne 0 ]; then
  echo "building the stand-in base image needs root (debootstrap and chroot)" >&2
  exit 1
fi

if ! command -v debootstrap >/dev/null && [ ! -x /usr/sbin/debootstrap ]; then
  echo "installing debootstrap (Debian package)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# The mirror apt already reaches (a deb822 or a one-line sources file); Debian's default otherwise.
mirror=$(sed -n 's|^URIs: *\(https\?://[^ ]*/debian\)/*$|\1|p; s|^deb \(https\?://[^ ]*/debian\)/* bookworm .*|\1|p' \
  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT

echo "debootstrap bookworm from $mirror" >&2
PATH="$PATH:/usr/sbin:/sbin" debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  bookworm "$rootfs" "$mirror" >/dev/null

chroot "$rootfs" /bin/sh -eu -c '
  python3 -m venv /usr/local
  /usr/local/bin/python -m pip --version >/dev/null
  useradd --uid 1000 --create-home --shell /bin/bash airbyte
  mkdir -p /airbyte/integration_code
  chown airbyte:airbyte /airbyte/integration_code
  apt-get clean
  rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log
'

tar -C "$rootfs" --numeric-owner -c . | "$engine" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'WORKDIR /airbyte/integration_code' \
  --change 'CMD ["python"]' \
  - "$tag" >/dev/null
echo "built $tag" >&2
