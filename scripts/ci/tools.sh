#!/usr/bin/env bash
# tools.sh: install what the CI scripts need that Go does not bring (jq,
# the shellcheck linter, unzip, clang with libFuzzer (scripts/ossfuzz-local.sh), a
# headless browser (the web report's test)) from the distribution, and the
# pinned Go linters from the module proxy. Installs only what is missing.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

need=()
for cmd in jq shellcheck unzip; do
	command -v "$cmd" >/dev/null || need+=("$cmd")
done
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
	need+=(chromium)
fi
if ! command -v clang++ >/dev/null; then
	need+=(clang)
fi
if ((${#need[@]} > 0)); then
	apt_install "${need[@]}"
fi
# The libFuzzer runtime is packaged with clang's version (Debian 12: 14).
printf 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}\n' >"$scratch/probe.cc"
if ! clang++ -fsanitize=fuzzer "$scratch/probe.cc" -o "$scratch/probe" >/dev/null 2>&1; then
	llvm=$(clang++ --version | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -1)
	apt_install "libclang-rt-$llvm-dev"
fi

log "Go tools: $(tool "$STATICCHECK"), $(tool "$ACTIONLINT")"
