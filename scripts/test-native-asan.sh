#!/usr/bin/env bash
# The native kernels under AddressSanitizer: the addon built again with -fsanitize=address in a scratch
# copy of its sources (the normal build in build/ is left alone), then the backend tests run against it,
# with the ASan runtime preloaded (Node itself is not instrumented; leak checking is off, since V8 keeps
# its heap to the end). Any out-of-bounds read or write, use after free or double free fails the run.
# `npm run test:asan`; also a job of its own in .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/scripts"
cp -r binding.gyp native "$dir/"
cp scripts/build-native.mjs "$dir/scripts/"
(cd "$dir" && LNN_NATIVE_ASAN=1 node scripts/build-native.mjs --strict)
LD_PRELOAD="$(node -p "require('$dir/build/native-status.json').asan")" \
  ASAN_OPTIONS=detect_leaks=0 \
  LNN_NATIVE_ADDON="$dir/build/Release/lnn_native.node" \
  node scripts/test.mjs test/backend/conformance.test.ts test/backend/kernels.test.ts test/backend/native.test.ts \
  test/backend/dropout.test.ts \
  test/backend/training.test.ts
