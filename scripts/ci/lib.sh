# shellcheck shell=bash
# lib.sh: sourced by every CI and nightly script. It stops on the first
# error, moves to the module root, and pins the versions of the tools CI
# installs, so .ci/run and the GitHub workflows run the same checks with
# the same tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# Pinned tool versions (the module proxy), used by the scripts that source this.
# shellcheck disable=SC2034
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
# shellcheck disable=SC2034
ACTIONLINT=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

log() { printf '== %s\n' "$*"; }

# suite_modules lists the suite's nested modules (fuzz/coredns: its own
# go.mod keeps CoreDNS's dependencies out of the root module's build), which
# go's ./... does not reach from the root: build, vet, lint and test them too.
suite_modules() { find fuzz -mindepth 2 -name go.mod -not -path '*/testdata/*' -printf '%h\n' | sort; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# as_root runs a command as root: directly, or through passwordless sudo
# (GitHub's runners); it fails when neither is possible.
as_root() {
	if [[ $(id -u) == 0 ]]; then
		"$@"
	elif sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		return 1
	fi
}

# apt_install installs Debian/Ubuntu packages, once per job.
apt_updated=""
apt_install() {
	command -v apt-get >/dev/null || die "apt-get is missing: install $* with your package manager"
	if [[ -z $apt_updated ]]; then
		as_root apt-get update -qq >/dev/null || die "cannot run apt-get as root to install $*"
		apt_updated=1
	fi
	log "apt-get install $*"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# scratch is a directory of this script's own, removed when it exits.
scratch=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/daemonfuzz-ci.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# fuzzrun builds cmd/fuzzrun once per script and runs it.
fuzzrun() {
	if [[ ! -x $scratch/fuzzrun ]]; then
		go build -o "$scratch/fuzzrun" ./cmd/fuzzrun
	fi
	"$scratch/fuzzrun" "$@"
}

# tool prints the path of a Go tool at its pinned version (pkg@version),
# installing it from the module proxy the first time.
tool() {
	local pkg=$1 name dir
	name=$(basename "${pkg%@*}")
	dir="${CI_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/daemonfuzz-ci}/${name}@${pkg##*@}"
	if [[ ! -x $dir/$name ]]; then
		GOBIN="$dir" go install "$pkg" >&2
	fi
	printf '%s\n' "$dir/$name"
}

# changed_entries prints the crash store entries (crashers/<target>/<id>)
# that are new or changed since the checkout: what this job found.
changed_entries() {
	git status --porcelain=v1 --untracked-files=all -- crashers/ |
		sed 's/^...//; s/^"//; s/"$//' |
		awk -F/ 'NF >= 4 && $2 != "_incoming" { print $1 "/" $2 "/" $3 }' | sort -u
}
