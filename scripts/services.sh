# Sourced by scripts/test: functions that provide the services tests need
# and export where to find them. Each installs with apt-get when missing.
# Under CI=true, failing to provide a service stops the run.

_need() { # _need NAME: fail under CI, warn otherwise
	if [ "${CI:-}" = "true" ]; then
		echo "CI: $1 is required and could not be provided" >&2
		exit 1
	fi
	echo "warning: $1 is missing; the tests that need it will fail" >&2
}

_apt_install() {
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	if ! $sudo apt-get install -y --no-install-recommends "$@" >/tmp/acanban-apt.log 2>&1; then
		$sudo apt-get update >>/tmp/acanban-apt.log 2>&1 || true
		$sudo apt-get install -y --no-install-recommends "$@" >>/tmp/acanban-apt.log 2>&1 || return 1
	fi
}

# ensure_chromium exports ACANBAN_CHROMIUM, the headless browser of the UI tests.
ensure_chromium() {
	local bin="${ACANBAN_CHROMIUM:-}"
	[ -n "$bin" ] || bin=$(command -v chromium || command -v chromium-browser || true)
	if [ -z "$bin" ]; then
		echo "installing chromium (apt-get)"
		_apt_install chromium || true
		bin=$(command -v chromium || true)
	fi
	if [ -z "$bin" ]; then
		_need chromium
		return 0
	fi
	export ACANBAN_CHROMIUM="$bin"
	echo "chromium: $("$bin" --version 2>/dev/null || echo "$bin")"
}

# ensure_kubo exports ACANBAN_IPFS_BIN, the Kubo daemon of the file store
# tests, built once by scripts/kubo.sh (cached: later runs are instant).
ensure_kubo() {
	local bin="${ACANBAN_IPFS_BIN:-}"
	if [ -z "$bin" ]; then
		bin=$(scripts/kubo.sh) || bin=""
	fi
	if [ -z "$bin" ] || [ ! -x "$bin" ]; then
		_need "kubo (ipfs)"
		return 0
	fi
	export ACANBAN_IPFS_BIN="$bin"
	echo "kubo: $("$bin" version 2>/dev/null || echo "$bin")"
}

# ensure_poppler provides pdftotext and pdfinfo, with which the transcript
# tests read the PDFs they make.
ensure_poppler() {
	if ! command -v pdftotext >/dev/null 2>&1; then
		echo "installing poppler-utils (apt-get)"
		_apt_install poppler-utils || true
	fi
	command -v pdftotext >/dev/null 2>&1 || _need "pdftotext (poppler-utils)"
}
