#!/bin/sh
# RedFlag agent installer, served by the RedFlag core as GET /install.sh with its URL filled in:
#
#   curl -fsSL http://redflag.lan:8080/install.sh | sh -s -- --token rf1_...
#
# Installs Node.js >= 18 from the distribution when missing, downloads the agent bundle, checks
# that the server key is the one the token names and that the bundle is signed by it, installs
# it into /opt/redflag-agent, writes and starts a systemd unit and registers this host. Safe to
# run again: what is already in place is left alone. docs/agent.md, "Installing on other hosts".
#
# Environment (scratch roots in tests, unusual hosts):
#   REDFLAG_ROOT         prefix for every path written (default: none, the real root)
#   REDFLAG_PREFIX       install directory (default /opt/redflag-agent)
#   REDFLAG_CONFIG       agent config file (default /etc/redflag/agent.json)
#   REDFLAG_STATE_DIR    agent state directory (default /var/lib/redflag)
#   REDFLAG_BIN_LINK     command link (default /usr/local/bin/redflag-agent)
#   REDFLAG_UNIT_DIR     systemd unit directory (default /etc/systemd/system)
#   REDFLAG_NO_SYSTEMD=1 write no unit and start nothing
#   REDFLAG_NO_PACKAGES=1 never install packages (fail when Node.js >= 18 is missing)
#   REDFLAG_NODE         the node binary to use
# Everything runs inside main(), so nothing executes before the whole script has arrived.

main() {
  set -eu
  SERVER_URL='@@REDFLAG_SERVER_URL@@'
  TOKEN=''
  FORCE=''
  EXTRA=''
  while [ $# -gt 0 ]; do
    case "$1" in
      --token) [ $# -ge 2 ] || usage "--token needs a value"; TOKEN=$2; shift 2 ;;
      --token=*) TOKEN=${1#--token=}; shift ;;
      --server) [ $# -ge 2 ] || usage "--server needs a value"; SERVER_URL=$2; shift 2 ;;
      --server=*) SERVER_URL=${1#--server=}; shift ;;
      --broker | --ca | --machine-id-file)
        [ $# -ge 2 ] || usage "$1 needs a value"
        EXTRA="$EXTRA $1 $(quote "$2")"; shift 2 ;;
      --force) FORCE=--force; shift ;;
      -h | --help) usage ;;
      *) usage "unknown option $1" ;;
    esac
  done
  [ -n "$TOKEN" ] || usage "--token is required (create one with: redflag token create)"
  case "$TOKEN" in rf1_*) ;; *) die "not a RedFlag registration token (rf1_...)" ;; esac
  [ "${#TOKEN}" -eq 70 ] || die "not a RedFlag registration token (it has ${#TOKEN} characters, not 70)"
  # rf1_<22-character server key fingerprint>_<secret>: read by position (base64url has '_').
  FINGERPRINT=$(printf '%s' "$TOKEN" | cut -c5-26)
  SERVER_URL=${SERVER_URL%/}

  ROOT=${REDFLAG_ROOT:-}
  DIR=$ROOT${REDFLAG_PREFIX:-/opt/redflag-agent}
  CONFIG=$ROOT${REDFLAG_CONFIG:-/etc/redflag/agent.json}
  STATE_DIR=$ROOT${REDFLAG_STATE_DIR:-/var/lib/redflag}
  BIN_LINK=$ROOT${REDFLAG_BIN_LINK:-/usr/local/bin/redflag-agent}
  UNIT_DIR=$ROOT${REDFLAG_UNIT_DIR:-/etc/systemd/system}
  if [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
    die "run this as root (the agent installs packages): curl -fsSL $SERVER_URL/install.sh | sudo sh -s -- --token ..."
  fi

  TMP=$(mktemp -d "${TMPDIR:-/tmp}/redflag-install.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  trap 'exit 130' INT TERM

  find_node || install_node
  say "using Node.js $("$NODE" --version) at $NODE"

  say "downloading the agent from $SERVER_URL"
  fetch "$SERVER_URL/api/v1/agent-bundle" "$TMP/manifest.json"
  fetch "$SERVER_URL/api/v1/agent-bundle/redflag-agent.mjs" "$TMP/redflag-agent.mjs"
  VERSION=$(verify_bundle "$TMP/manifest.json" "$TMP/redflag-agent.mjs" "$FINGERPRINT") ||
    die "refusing to install: the bundle did not verify (above)"
  RAN=$("$NODE" "$TMP/redflag-agent.mjs" --version </dev/null 2>&1) || die "the bundle does not run on $("$NODE" --version): $RAN"
  [ "$RAN" = "$VERSION" ] || die "the bundle reports version $RAN, its signature names $VERSION"
  say "bundle $VERSION verified: SHA-256 matches, signed by server key $FINGERPRINT"

  install_files
  register_agent
  install_unit
}

say() { printf 'redflag-install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() {
  [ $# -eq 0 ] || say "$1"
  say "usage: curl -fsSL <server>/install.sh | sh -s -- --token TOKEN [--server URL] [--broker URL] [--ca FILE] [--force]"
  [ $# -eq 0 ] && exit 0
  exit 2
}
# Single-quotes a value for eval (paths and URLs from the command line).
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1" </dev/null || die "could not download $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" </dev/null || die "could not download $1"
  else
    die "neither curl nor wget is installed"
  fi
}

node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' </dev/null 2>/dev/null || echo 0; }

# The first node >= 18 among REDFLAG_NODE, node and nodejs (older Debian and Ubuntu call it nodejs).
find_node() {
  for candidate in "${REDFLAG_NODE:-}" "$(command -v node 2>/dev/null || true)" "$(command -v nodejs 2>/dev/null || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$(node_major "$candidate")" -ge 18 ]; then NODE=$candidate; return 0; fi
  done
  return 1
}

install_node() {
  [ "${REDFLAG_NO_PACKAGES:-0}" != 1 ] || die "Node.js >= 18 is not installed (REDFLAG_NO_PACKAGES=1: not installing it)"
  [ -z "$ROOT" ] || die "Node.js >= 18 is not installed, and packages are not installed into REDFLAG_ROOT"
  say "installing the distribution's Node.js package"
  if command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs </dev/null
  elif command -v dnf >/dev/null 2>&1; then
    dnf install -y nodejs </dev/null
  elif command -v yum >/dev/null 2>&1; then
    yum install -y nodejs </dev/null
  elif command -v zypper >/dev/null 2>&1; then
    zypper --non-interactive install nodejs-default </dev/null || zypper --non-interactive install nodejs </dev/null
  elif command -v pacman >/dev/null 2>&1; then
    pacman -Sy --noconfirm --needed nodejs </dev/null
  elif command -v apk >/dev/null 2>&1; then
    apk add --no-cache nodejs </dev/null
  else
    die "no known package manager (apt-get, dnf, yum, zypper, pacman, apk): install Node.js >= 18 and run this again"
  fi || die "installing Node.js failed (above)"
  find_node || die "this distribution's Node.js is older than 18: install a newer one and run this again (or set REDFLAG_NODE)"
}

# Checks with node:crypto: the key under the token's fingerprint really has that fingerprint,
# the bundle's SHA-256 and size are the manifest's, and the key signed "rf-agent-bundle\n<version>\n<sha256>".
# Prints the version.
verify_bundle() {
  "$NODE" - "$1" "$2" "$3" <<'VERIFY'
const { createHash, createPublicKey, verify } = require('node:crypto');
const { readFileSync } = require('node:fs');
const [manifestFile, bundleFile, fingerprint] = process.argv.slice(2);
const fail = (why) => { process.stderr.write(`redflag-install: ${why}\n`); process.exit(1); };
let manifest;
try { manifest = JSON.parse(readFileSync(manifestFile, 'utf8')); } catch { fail('the manifest is not JSON'); }
const entry = (manifest.signatures || []).find((s) => s && s.keyId === fingerprint);
if (!entry) fail(`the server holds no key with the fingerprint the token names (${fingerprint}): is this the server that made the token?`);
const raw = Buffer.from(String(entry.publicKey), 'base64');
if (raw.length !== 32) fail('the server key is not an Ed25519 key');
const actual = createHash('sha256').update(raw).digest().subarray(0, 16).toString('base64url');
if (actual !== fingerprint) fail(`the server key's fingerprint is ${actual}, the token names ${fingerprint}`);
const bundle = readFileSync(bundleFile);
const sha256 = createHash('sha256').update(bundle).digest('hex');
if (sha256 !== manifest.sha256 || bundle.length !== manifest.size)
  fail(`the bundle's SHA-256 is ${sha256} (${bundle.length} bytes), the manifest says ${manifest.sha256} (${manifest.size} bytes)`);
if (!/^[0-9A-Za-z.+-]{1,64}$/.test(String(manifest.version))) fail('the manifest names no valid version');
const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
const payload = Buffer.from(`rf-agent-bundle\n${manifest.version}\n${sha256}`, 'utf8');
if (!verify(null, payload, key, Buffer.from(String(entry.signature), 'base64')))
  fail('the signature over the bundle does not verify with the server key');
process.stdout.write(manifest.version);
VERIFY
}

# Writes $2 to $1 unless it already holds exactly that (so a second run changes nothing).
write_if_changed() {
  if [ -f "$1" ] && cmp -s "$1" "$2"; then return 1; fi
  mkdir -p "$(dirname "$1")"
  cp "$2" "$1.new" && chmod "$3" "$1.new" && mv -f "$1.new" "$1"
}

install_files() {
  mkdir -p "$DIR/bin"
  chmod 0755 "$DIR" "$DIR/bin"
  CHANGED=''
  if [ -f "$DIR/redflag-agent.mjs" ] && cmp -s "$DIR/redflag-agent.mjs" "$TMP/redflag-agent.mjs"; then
    say "agent $VERSION is already installed in $DIR"
  else
    # The one in place stays as the previous version (a hard link), then the new one replaces
    # it in one rename: there is never a moment without a complete bundle.
    [ ! -f "$DIR/redflag-agent.mjs" ] || ln -f "$DIR/redflag-agent.mjs" "$DIR/redflag-agent.previous.mjs"
    cp "$TMP/redflag-agent.mjs" "$DIR/redflag-agent.mjs.new"
    chmod 0644 "$DIR/redflag-agent.mjs.new"
    mv -f "$DIR/redflag-agent.mjs.new" "$DIR/redflag-agent.mjs"
    CHANGED=1
    say "installed agent $VERSION in $DIR"
  fi
  write_launcher >"$TMP/launcher"
  if write_if_changed "$DIR/bin/redflag-agent" "$TMP/launcher" 0755; then CHANGED=1; fi
  mkdir -p "$(dirname "$BIN_LINK")"
  ln -sfn "$DIR/bin/redflag-agent" "$BIN_LINK"
}

register_agent() {
  STATUS=$("$DIR/bin/redflag-agent" status --json </dev/null 2>/dev/null || true)
  if printf '%s' "$STATUS" | grep -q '"registered": *true'; then
    REGISTERED_TO=$(printf '%s' "$STATUS" | sed -n 's/^ *"server": *"\([^"]*\)".*/\1/p')
    if [ "$REGISTERED_TO" = "$SERVER_URL" ] && [ -z "$FORCE" ]; then
      say "already registered with $SERVER_URL (redflag-agent status shows the identity)"
      return 0
    fi
    [ -n "$FORCE" ] || die "this host is registered with $REGISTERED_TO; run again with --force to register it with $SERVER_URL"
  fi
  say "registering with $SERVER_URL"
  eval "set -- $EXTRA"
  "$DIR/bin/redflag-agent" register --server "$SERVER_URL" --token "$TOKEN" $FORCE "$@" </dev/null ||
    die "registration failed (above)"
}

systemd_usable() {
  [ "${REDFLAG_NO_SYSTEMD:-0}" != 1 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]
}

install_unit() {
  if ! systemd_usable; then
    say "systemd not used here: start the agent with $BIN_LINK run (as root, under your service manager)"
    return 0
  fi
  write_unit >"$TMP/unit"
  if write_if_changed "$UNIT_DIR/redflag-agent.service" "$TMP/unit" 0644; then CHANGED=1; fi
  systemctl daemon-reload
  systemctl enable redflag-agent.service >/dev/null 2>&1
  if [ -n "$CHANGED" ] || ! systemctl is-active --quiet redflag-agent.service; then
    systemctl restart redflag-agent.service
  fi
  say "redflag-agent.service is $(systemctl is-active redflag-agent.service 2>/dev/null || true); logs: journalctl -u redflag-agent"
}

# The launcher systemd and users run. It passes the config and state paths, and while a
# self-update is on trial (update/trial.json, written by the running agent before it swaps the
# bundle) it watches the new version: one that has not connected within the connect timeout
# (counted from the trial's first start, across restarts), or that exits three times without
# connecting, is stopped (SIGTERM, then SIGKILL if it hangs) and replaced by the previous
# bundle, and the launcher exits 75 so the service manager starts that one (docs/agent.md,
# "Self-update and rollback").
write_launcher() {
  cat <<LAUNCHER
#!/bin/sh
# redflag-agent launcher, written by install.sh. Do not edit: install.sh rewrites it.
DIR=$(quote "$DIR")
NODE=$(quote "$NODE")
REDFLAG_AGENT_CONFIG=$(quote "$CONFIG")
REDFLAG_AGENT_STATE_DIR=$(quote "$STATE_DIR")
REDFLAG_AGENT_LAUNCHER="\$DIR/bin/redflag-agent"
export REDFLAG_AGENT_CONFIG REDFLAG_AGENT_STATE_DIR REDFLAG_AGENT_LAUNCHER
LAUNCHER
  cat <<'LAUNCHER'
UPDATE="$DIR/update"
# Seconds a new version that does not connect gets between SIGTERM and SIGKILL.
STOP_GRACE=15
# The daemon idles between scans: a 1 MB young generation and no optimizing compiler keep it
# near Node.js's own memory floor (docs/agent.md, "Memory"). Set REDFLAG_AGENT_NODE_FLAGS
# (also empty) in the unit's environment to change them.
RUN_FLAGS=${REDFLAG_AGENT_NODE_FLAGS-"--max-semi-space-size=1 --no-opt"}
pending() { [ -f "$UPDATE/trial.json" ] && [ ! -f "$UPDATE/confirmed" ] && [ ! -f "$UPDATE/rolled-back" ]; }
[ "${1:-}" = run ] || exec "$NODE" "$DIR/redflag-agent.mjs" "$@"
# shellcheck disable=SC2086 # RUN_FLAGS is a list of options
pending || exec "$NODE" $RUN_FLAGS "$DIR/redflag-agent.mjs" "$@"

rollback() {
  printf '%s\n' "$1" >"$UPDATE/rolled-back.tmp" && mv -f "$UPDATE/rolled-back.tmp" "$UPDATE/rolled-back"
  if [ -f "$DIR/redflag-agent.previous.mjs" ]; then
    ln -f "$DIR/redflag-agent.mjs" "$DIR/redflag-agent.failed.mjs"
    mv -f "$DIR/redflag-agent.previous.mjs" "$DIR/redflag-agent.mjs"
  fi
  echo "redflag-agent launcher: rolled back to the previous version: $1" >&2
}
wait_child() {
  while :; do
    wait "$child"
    code=$?
    kill -0 "$child" 2>/dev/null || return "$code"
  done
}
# A version that hangs may never act on SIGTERM (a busy loop, a stuck handler): SIGKILL after the grace.
stop_child() {
  kill -TERM "$child" 2>/dev/null
  waited=0
  while kill -0 "$child" 2>/dev/null; do
    if [ "$waited" -ge "$STOP_GRACE" ]; then
      echo "redflag-agent launcher: the new version ignored SIGTERM for $STOP_GRACE s; killing it" >&2
      kill -KILL "$child" 2>/dev/null
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  wait_child
}
late() {
  rollback "the new version did not connect to the core within $timeout s"
  exit 75
}
timeout=$(cat "$UPDATE/connect-timeout" 2>/dev/null || echo 120)
case "$timeout" in '' | *[!0-9]*) timeout=120 ;; esac
# The deadline is kept in a file, so restarts (crashes, a reboot) do not extend it; a clock
# that went back (a deadline further away than the timeout) starts it again.
now=$(date +%s)
deadline=$(cat "$UPDATE/deadline" 2>/dev/null || true)
case "$deadline" in '' | *[!0-9]*) deadline=0 ;; esac
if [ "$deadline" -eq 0 ] || [ "$deadline" -gt $((now + timeout)) ]; then
  deadline=$((now + timeout))
  echo "$deadline" >"$UPDATE/deadline"
fi
[ "$now" -lt "$deadline" ] || late
# shellcheck disable=SC2086
"$NODE" $RUN_FLAGS "$DIR/redflag-agent.mjs" "$@" &
child=$!
# A stop asked of the service is not a crash of the new version.
trap 'stopping=1; kill -TERM "$child" 2>/dev/null' TERM INT
while kill -0 "$child" 2>/dev/null && pending; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    stop_child
    late
  fi
  sleep 1
done
wait_child
code=$?
[ -z "${stopping:-}" ] || exit "$code"
if pending; then
  crashes=$(($(cat "$UPDATE/crashes" 2>/dev/null || echo 0) + 1))
  echo "$crashes" >"$UPDATE/crashes"
  if [ "$crashes" -ge 3 ]; then
    rollback "the new version exited (status $code) $crashes times without connecting"
  fi
  exit 75
fi
exit "$code"
LAUNCHER
}

# Hardening that package installs allow; docs/agent.md, "The systemd unit", says why each of
# systemd's other sandboxing options is left out.
write_unit() {
  cat <<UNIT
[Unit]
Description=RedFlag agent (reports pending updates, installs them on command)
Documentation=$SERVER_URL/api/docs
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=$DIR/bin/redflag-agent run
# 75: the agent asks to be restarted (self-update, rollback); any failure restarts it too.
Restart=on-failure
RestartSec=5s
RestartForceExitStatus=75
# SIGTERM to the agent only: it lets a running install finish for 60 s before it cancels it,
# instead of systemd killing apt or dpkg in the middle of a transaction.
KillMode=mixed
TimeoutStopSec=90s
PrivateTmp=yes
ProtectControlGroups=yes
ProtectHostname=yes
LockPersonality=yes
RestrictRealtime=yes

[Install]
WantedBy=multi-user.target
UNIT
}

main "$@"
