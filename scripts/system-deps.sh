#!/usr/bin/env bash
# Installs the Debian packages the guide needs, only when something is missing.
set -euo pipefail

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)  # audio assembly and export
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)  # the minimal offline voice
command -v chromium >/dev/null 2>&1 || missing+=(chromium)  # the browser tests
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
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
