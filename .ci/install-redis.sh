#!/usr/bin/env bash
# Installs Debian's redis-server (built with TLS) and openssl for the queue tests (test/cli/worker.test.ts
# and test/cli/queue-tls.test.ts start their own on a free port of 127.0.0.1; the TLS test makes its
# certificates with openssl). Idempotent: does nothing when both are already there. Needs root (or sudo).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-redis: $(redis-server --version) and $(openssl version) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y "${missing[@]}"
# Debian's package may start a system service; the tests need only the binary.
$SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
redis-server --version
openssl version
