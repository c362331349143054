#!/usr/bin/env bash
# Installs Debian's redis-server for the queue tests (test/cli/worker.test.ts start their own on a free
# port of 127.0.0.1). Idempotent: does nothing when redis-server is already there. Needs root (or sudo).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "install-redis: $(redis-server --version) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y redis-server
# Debian's package may start a system service; the tests need only the binary.
$SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
redis-server --version
