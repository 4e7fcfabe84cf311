#!/usr/bin/env bash
# Builds bin/dendrite, one self-contained executable, and links the seed names beside it
# (bin/generate-keys, bin/dendrite-monolith-server, …). Needs only Node.js and npm: Bun itself
# comes from the npm registry into node_modules/.bin. Safe to run again at any time.
#
#   ./build.sh                        # for this machine: bin/dendrite
#   ./build.sh --target linux-arm64   # cross-compile: bin/linux-arm64/dendrite (Raspberry Pi 3/4/5, 64-bit OS)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

step() { printf '==> %s\n' "$*"; }
die() {
  printf 'build.sh: error: %s\n' "$*" >&2
  exit 1
}
usage() {
  cat <<'EOF'
Usage: ./build.sh [--target TARGET]

Builds bin/dendrite. With --target, cross-compiles into bin/TARGET/dendrite instead. TARGET is one
of Bun's compile targets, with or without its bun- prefix: linux-x64, linux-arm64, linux-x64-musl,
linux-arm64-musl (Alpine), darwin-x64, darwin-arm64, windows-x64. The first build for a target
downloads that target's Bun runtime from the npm registry.
EOF
}

TARGET=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) [ $# -ge 2 ] || die "--target needs a value, e.g. --target linux-arm64"; TARGET=$2; shift 2 ;;
    --target=*) TARGET=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see ./build.sh --help)" ;;
  esac
done
TARGET=${TARGET#bun-}

# A real Bun answers --version; the placeholder npm leaves when install scripts did not run
# prints "Bun's postinstall script was not run" and exits 1.
bun_works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

# The platform package npm's `bun` depends on for this machine (@oven/bun-linux-x64, …).
oven_package() {
  local os arch libc=""
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) return 1 ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=aarch64 ;; *) return 1 ;; esac
  if [ "$os" = linux ] && ldd --version 2>&1 | grep -qi musl; then libc=-musl; fi
  echo "@oven/bun-$os-$arch$libc"
}

BUN="$ROOT/node_modules/.bin/bun"
if bun_works "$BUN"; then
  step "Bun $("$BUN" --version) is in node_modules/.bin"
else
  command -v npm >/dev/null 2>&1 || die "npm is not installed: install Node.js 18 or newer (it comes with npm), then run ./build.sh again"
  step "installing Bun and the dependencies from the npm registry (npm install)"
  # --no-package-lock: bun.lock is the lockfile that counts (bun install below); npm only fetches Bun.
  # package.json's allowScripts lets Bun's postinstall run (it puts the real binary in place).
  npm install --no-audit --no-fund --no-package-lock \
    || die "npm install failed (see its output above); check that registry.npmjs.org can be reached"
  if ! bun_works "$BUN"; then
    # npm may block install scripts: do by hand what Bun's postinstall does.
    step "Bun's postinstall did not run; running node_modules/bun/install.js"
    [ -f node_modules/bun/install.js ] && (cd node_modules/bun && node install.js) || true
  fi
  if ! bun_works "$BUN"; then
    pkg=$(oven_package) || die "no Bun package for $(uname -s) $(uname -m)"
    alt="$ROOT/node_modules/$pkg/bin/bun"
    bun_works "$alt" || die "Bun did not install: $BUN does not run and $alt is missing. Try: npm install --allow-scripts=bun"
    step "using Bun from $alt"
    BUN=$alt
  fi
  step "Bun $("$BUN" --version) installed"
fi

step "installing dependencies as locked in bun.lock (bun install --frozen-lockfile)"
"$BUN" install --frozen-lockfile || die "bun install failed; if package.json changed, run 'node_modules/.bin/bun install' and commit bun.lock"
# package.json trusts Bun's own postinstall, so bun install keeps a working node_modules/.bin/bun.
bun_works "$BUN" || die "after bun install, $BUN no longer runs (is \"bun\" still in trustedDependencies in package.json?)"

OUT_DIR=bin
TARGET_ARGS=()
if [ -n "$TARGET" ]; then
  OUT_DIR="bin/$TARGET"
  TARGET_ARGS=(--target "bun-$TARGET")
fi
mkdir -p "$OUT_DIR"
# --splitting: code behind a dynamic import (a subcommand, NATS, PostgreSQL, X.509) is parsed only
# when used, which keeps an idle SQLite monolith about 20 MB smaller.
# Never strip the result: the application is stored inside the executable, and strip removes it.
step "compiling cmd/dendrite.ts into $OUT_DIR/dendrite${TARGET:+ for $TARGET}"
# The thumbnail worker and the SQLite checkpointer are more entrypoints: worker threads load them
# from inside the binary.
"$BUN" build --compile --splitting --minify cmd/dendrite.ts src/mediaapi/thumbnail/worker.ts src/storage/checkpoint-worker.ts --outfile "$OUT_DIR/dendrite" ${TARGET_ARGS[@]+"${TARGET_ARGS[@]}"} \
  || die "bun build failed (see above)"

case "$TARGET" in
  windows*) step "no seed-name links for Windows: run dendrite.exe with a subcommand" ;;
  *)
    step "linking the seed names in $OUT_DIR/ to dendrite"
    for name in generate-keys generate-config create-account dendrite-monolith-server dendrite-polylith-multi; do
      ln -sfn dendrite "$OUT_DIR/$name"
    done
    ;;
esac

exe="$OUT_DIR/dendrite"
[ -f "$exe" ] || exe="$exe.exe"
mib=$(($(wc -c <"$exe") / 1048576))
if [ -z "$TARGET" ]; then
  version=$("$exe" --version) || die "$exe was built but does not run"
  step "built $exe ($version, $mib MiB)"
else
  step "built $exe for $TARGET ($mib MiB); copy the $OUT_DIR folder to that machine"
fi
