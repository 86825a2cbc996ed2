# Sourced by scripts/serve, scripts/build and scripts/test: install what is missing, quickly
# when nothing changed. Needs Python >= 3.11 and Node >= 20 on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }
stamp_ok() { [ -f "$2" ] && [ "$(cat "$2")" = "$(sha256sum "$1" | cut -d' ' -f1)" ]; }
write_stamp() { sha256sum "$1" | cut -d' ' -f1 > "$2"; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "python3 not found: install Python 3.11 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is needed"
command -v node >/dev/null || die "node not found: install Node.js 20 or newer"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node.js 20 or newer is needed"

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi
if ! stamp_ok requirements.txt .venv/.requirements.sha256; then
  say "installing Python packages (requirements.txt)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  write_stamp requirements.txt .venv/.requirements.sha256
  rm -f .venv/.package.sha256
fi
# The build package itself (scripts/slidesite/, see pyproject.toml), editable: edits need no reinstall.
if ! stamp_ok pyproject.toml .venv/.package.sha256; then
  say "installing the slidesite package (pyproject.toml)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  write_stamp pyproject.toml .venv/.package.sha256
fi
if ! stamp_ok package-lock.json node_modules/.package-lock.sha256; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  write_stamp package-lock.json node_modules/.package-lock.sha256
fi

# Browser tests and PDF export drive Debian's chromium; never a downloaded browser.
need_chromium() {
  local missing=()
  # CHROME_PATH may name another Chromium-based browser (e.g. Google Chrome on CI images).
  if [ -z "${CHROME_PATH:-}" ] || [ ! -x "${CHROME_PATH}" ]; then
    command -v chromium >/dev/null || missing+=(chromium)
  fi
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

export PATH="$ROOT/.venv/bin:$PATH"
