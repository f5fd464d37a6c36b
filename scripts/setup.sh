#!/usr/bin/env bash
# Install what the project needs on Debian 12 with Python 3.11: system packages from apt, Python packages
# (pinned in requirements.txt) and the project itself (the `gpaccess` command) into .venv. Idempotent:
# re-running skips what is already there.
#   scripts/setup.sh            packages for running the dashboard (Chromium for image export, nginx for
#                               scripts/serve.sh)
#   scripts/setup.sh --test     also LibreOffice Impress and poppler (slide rendering checks)
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium nginx)
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
  # Wait up to 10 minutes for another apt or unattended-upgrades run to release its lock rather than fail.
  apt=($sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  echo "Installing system packages: ${missing[*]} (a few minutes on a new machine)"
  "${apt[@]}" update -qq </dev/null
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  echo "System packages installed"
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "Creating .venv with $("$python_bin" --version)"
  "$python_bin" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
  echo "Installing Python packages from requirements.txt into .venv (a few minutes)"
  .venv/bin/python -m pip install -q --no-input --upgrade pip </dev/null
  .venv/bin/python -m pip install -q --no-input -r requirements.txt </dev/null
  echo "$wanted" > "$stamp"
  echo "Python packages installed"
fi

# The project itself, editable (this folder's code, queries and data), for the `gpaccess` command in .venv/bin:
# `source .venv/bin/activate` puts it on the PATH, in any folder. pip builds it with setuptools from its index.
if [[ ! -x .venv/bin/gpaccess ]]; then
  echo "Installing the gpaccess command into .venv (editable)"
  .venv/bin/python -m pip install -q --no-input --no-deps -e . </dev/null
fi

# axe-core (accessibility checks in the browser tests), from the npm registry into node_modules/
if [[ "${1:-}" == "--test" && ! -s node_modules/axe-core/axe.min.js ]] && command -v npm >/dev/null; then
  echo "Installing axe-core from npm (accessibility tests)"
  npm install --no-save --silent --prefix "$PWD" axe-core </dev/null >/dev/null
fi
