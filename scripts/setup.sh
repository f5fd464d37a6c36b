#!/usr/bin/env bash
# Install what the project needs on Debian 12 with Python 3.11: system packages from apt, Python packages
# (pinned in requirements.txt) into .venv. Idempotent: re-running skips what is already there.
#   scripts/setup.sh            packages for running the dashboard (Chromium for image export)
#   scripts/setup.sh --test     also LibreOffice Impress and poppler (slide rendering checks)
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium)
[[ "${1:-}" == "--test" ]] && apt_packages+=(libreoffice-impress poppler-utils)
python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null || python_bin=python3
"$python_bin" -c 'import ensurepip, venv' 2>/dev/null || apt_packages+=(python3-venv)

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "Creating .venv with $("$python_bin" --version)"
  "$python_bin" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
  echo "Installing Python packages from requirements.txt"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$wanted" > "$stamp"
fi
