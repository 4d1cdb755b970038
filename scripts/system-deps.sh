#!/usr/bin/env bash
# Installs the Debian packages the guide and its tests need, only when something is missing.
# Every program and system library that the code or the tests load is listed here:
# `make fresh-check` proves the list on a minimal Debian.
set -euo pipefail

missing=()
need_command() {  # need_command COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need_package() {  # need_package PACKAGE (a library, found by the package manager)
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$1")
}

need_command node nodejs              # the end-to-end tests (virtual-alexa)
need_command npm npm
need_command ffmpeg ffmpeg            # audio assembly and export
need_command espeak-ng espeak-ng      # the minimal offline voice, and test voices
need_command sox sox                  # noise and reverberation for the speaker tests
need_command chromium chromium        # the browser tests
need_command chromedriver chromium-driver
need_package libportaudio2            # microphone and speakers for `skill speaker`
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing missing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
