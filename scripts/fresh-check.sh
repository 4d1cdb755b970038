#!/usr/bin/env bash
# `make fresh-check`: the README's `make test` on a minimal Debian, as a new user would run it.
#
# Builds a minimal Debian (debootstrap --variant=minbase, plus only git, make and python3)
# of the release and from the mirror this machine's apt uses, clones the current commit
# into it, and runs `make test` there as root. The base system is cached in
# .cache/fresh-check/ between runs; everything else (system packages, the virtual
# environment, the Node packages) is installed afresh by the project's own scripts.
#
# The new system gets this machine's way of reaching the package registries (its CA
# certificates, apt settings and the pip and CA environment variables): that belongs to
# the machine, not to the project, and nothing else is carried over.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-check needs root (debootstrap, mount and chroot): run it as root or with sudo" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
fi

. /etc/os-release
release=${FRESH_CHECK_RELEASE:-$VERSION_CODENAME}
mirror=${FRESH_CHECK_MIRROR:-$(
  { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } \
  | grep -m1 -E '/debian/?$' || true)}
mirror=${mirror:-http://deb.debian.org/debian}

cache=$repo/.cache/fresh-check
base=$cache/$release-minbase.tar
mkdir -p "$cache"
if [ ! -f "$base" ]; then
  echo "fresh-check: building a minimal Debian $release from $mirror (cached in $base)"
  rm -rf "$cache/build"
  debootstrap --variant=minbase --include=git,make,python3,ca-certificates \
    "$release" "$cache/build" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  tar -C "$cache/build" -cf "$base.partial" . && mv "$base.partial" "$base"
  rm -rf "$cache/build"
fi

root=$(mktemp -d "$cache/root.XXXXXX")
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"

mount_into() {  # mount_into TARGET mount-arguments...
  local target=$root$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted+=("$target")
}
mount_into /proc -t proc proc
mount_into /sys --rbind /sys
mount_into /dev --rbind /dev
mount_into /dev/shm -t tmpfs -o size=1g tmpfs  # Chromium needs a real /dev/shm

# This machine's way to the registries: DNS, extra CA certificates, apt settings.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
cp -r /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
[ -s "$root/etc/apt/sources.list" ] || rm -f "$root/etc/apt/sources.list"
cp -r /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
[ -d /etc/xdg/pip ] && mkdir -p "$root/etc/xdg" && cp -r /etc/xdg/pip "$root/etc/xdg/"
environment=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
             LANG=C.UTF-8 CI="${CI:-}")
while IFS= read -r setting; do environment+=("$setting"); done < <(
  env | grep -v '^PIP_FIND_LINKS=' | grep -E '^(PIP_[A-Z_]+|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|GIT_SSL_CAINFO|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)=' || true)

commit=$(git rev-parse HEAD)
git clone -q --no-hardlinks "$repo" "$root/root/gentle-back-guide"
git -C "$root/root/gentle-back-guide" checkout -q "$commit"
echo "fresh-check: make test in a new Debian $release, commit ${commit:0:12}"

set +e
chroot "$root" /usr/bin/env -i "${environment[@]}" \
  bash -c 'cd /root/gentle-back-guide && make test' 2>&1 | tee "$cache/last-run.log"
status=${PIPESTATUS[0]}
set -e
minutes=$(awk "BEGIN {printf \"%.1f\", ($(date +%s) - $started) / 60}")
if [ "$status" -eq 0 ]; then
  echo "fresh-check: passed in $minutes min (log: .cache/fresh-check/last-run.log)"
else
  echo "fresh-check: FAILED (make test exited $status) after $minutes min" >&2
fi
exit "$status"
