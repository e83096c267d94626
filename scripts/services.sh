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

# ensure_postgres starts a throwaway PostgreSQL server for the tests (one
# per run, on 127.0.0.1:55432, trust authentication, data in a temporary
# folder) and exports ACANBAN_TEST_POSTGRES, the URL of its postgres
# database; each test creates and drops a database of its own.
ensure_postgres() {
	if [ -n "${ACANBAN_TEST_POSTGRES:-}" ]; then
		return 0
	fi
	local bindir
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [ -z "$bindir" ]; then
		echo "installing postgresql (apt-get)"
		_apt_install postgresql || true
		bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	fi
	if [ -z "$bindir" ]; then
		_need postgresql
		return 0
	fi
	local port=55432 dir=/tmp/acanban-test-pg run=""
	if [ "$(id -u)" = 0 ]; then
		run="runuser -u postgres --"
	fi
	if ! $run "$bindir/pg_isready" -h 127.0.0.1 -p "$port" >/dev/null 2>&1; then
		rm -rf "$dir"
		mkdir -p "$dir"
		[ -z "$run" ] || chown postgres: "$dir"
		$run "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; _need postgresql; return 0; }
		$run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
			-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=300" start >/dev/null ||
			{ cat "$dir/server.log" >&2; _need postgresql; return 0; }
	fi
	export ACANBAN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	echo "postgresql: $("$bindir/postgres" --version) on 127.0.0.1:$port"
}

# ensure_nginx exports ACANBAN_NGINX, the load balancer of the cluster test.
ensure_nginx() {
	local bin="${ACANBAN_NGINX:-}"
	[ -n "$bin" ] || bin=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
	if [ -z "$bin" ]; then
		echo "installing nginx (apt-get)"
		_apt_install nginx-light || _apt_install nginx || true
		bin=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
	fi
	if [ -z "$bin" ]; then
		_need nginx
		return 0
	fi
	export ACANBAN_NGINX="$bin"
	echo "nginx: $("$bin" -v 2>&1)"
}
