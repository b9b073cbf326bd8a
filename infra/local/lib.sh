# Shared by infra/local/up, infra/local/down and infra/ci/run-tests: where local services live and how to tell
# whether they run. Sourced, never executed. Every path is absolute so callers may run from any directory.

NP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NP_LOCAL="$NP_ROOT/.local"
NP_ENV_FILE="$NP_LOCAL/env"
NP_MYSQL_DIR="$NP_LOCAL/mysql"
NP_MARIADB="$NP_ROOT/infra/local/mariadb"
NP_KAFKA_DIR="$NP_LOCAL/kafka"
NP_KAFKA_PID="$NP_KAFKA_DIR/pid"
NP_KAFKA_LOG="$NP_KAFKA_DIR/log"
NP_KAFKA_BOOTSTRAP="$NP_KAFKA_DIR/bootstrap"
NP_KAFKA_TOPICS="$NP_KAFKA_DIR/topics"
NP_KAFKA_APP="$NP_KAFKA_DIR/app"
NP_KAFKA_EXE="$NP_KAFKA_APP/NginxPulse.KafkaMock"
NP_FUNCTIONS_DIR="$NP_LOCAL/functions"
NP_FUNCTIONS_PID="$NP_FUNCTIONS_DIR/pid"
NP_FUNCTIONS_LOG="$NP_FUNCTIONS_DIR/log"
NP_FUNCTIONS_APP="$NP_LOCAL/functions-app"
NP_SHIPPER_DIR="$NP_LOCAL/shipper"
NP_SHIPPER_PID="$NP_SHIPPER_DIR/pid"
NP_SHIPPER_LOG="$NP_SHIPPER_DIR/log"
NP_SHIPPER_APP="$NP_SHIPPER_DIR/app"
NP_NGINX_DIR="$NP_LOCAL/nginx"
NP_NGINX_SERVER="$NP_ROOT/infra/local/nginx/nginx-server"

# The pid in pid file $1 when that process still runs and its command line matches $2 (not a pid the kernel has
# since given to another process).
np_live_pid() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" || return 1
  echo "$pid"
}

np_kafka_pid() { np_live_pid "$NP_KAFKA_PID" 'NginxPulse\.KafkaMock'; }

np_kafka_running() { np_kafka_pid >/dev/null; }

# The function app started by infra/local/demo.
np_functions_pid() { np_live_pid "$NP_FUNCTIONS_PID" 'NginxPulse\.Functions'; }

# The shipper started by infra/local/demo.
np_shipper_pid() { np_live_pid "$NP_SHIPPER_PID" 'NginxPulse\.Shipper'; }

np_mysql_running() { "$NP_MARIADB" status "$NP_MYSQL_DIR" 2>/dev/null; }

# Installs the Debian packages given that are missing; apt-get update runs at most once per process tree.
np_install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  if [ -z "${NP_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null || { echo "apt-get update failed" >&2; return 1; }
    export NP_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null \
    || { echo "apt-get install ${missing[*]} failed" >&2; return 1; }
}
