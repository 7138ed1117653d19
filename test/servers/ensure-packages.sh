#!/usr/bin/env bash
# Makes sure the directory-server packages the integration tests need are installed (`npm test`'s
# pretest; CI's .ci/run may call it too). The list lives in test/servers/packages.txt.
#
#  - Everything installed: checks with one dpkg-query call and exits (no apt-get update).
#  - Something missing and root (or passwordless sudo): apt-get update + install --no-install-recommends,
#    with a temporary policy-rc.d so the packaged slapd/samba daemons are not started by the install.
#  - Something missing and not root: prints the missing packages and the command to install them; exits 1.
#  - Always: if a *packaged* slapd/samba daemon is running (started by an install on a machine without
#    policy-rc.d, or at boot), stops and disables it: it would hold port 389, which the Samba AD test DC
#    needs. Test instances started by the harness (their own -F/-s config under a temp dir) are left alone.
#
# Env: ENSURE_PACKAGES_QUIET=1 prints nothing when there is nothing to do (default: one line).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKG_FILE="$HERE/packages.txt"
say() { echo "ensure-packages: $*" >&2; }

mapfile -t PKGS < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$PKG_FILE" | grep -v '^$')
((${#PKGS[@]})) || { say "no packages listed in $PKG_FILE"; exit 1; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  say "this is not a Debian/Ubuntu system (no dpkg-query). The integration tests need these Debian 12 packages" \
      "(or their equivalents): ${PKGS[*]}"
  exit 1
fi

missing_packages() {
  local installed
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null | awk '$NF == "installed" { print $1 }' || true)
  local p
  for p in "${PKGS[@]}"; do grep -qxF "$p" <<<"$installed" || echo "$p"; done
}

# --- packaged daemons ---------------------------------------------------------------------------
# A daemon counts as "packaged" only if it has files open in the packaged data directories
# (/var/lib/ldap, /etc/ldap/slapd.d for slapd; /var/lib/samba, /var/cache/samba for the Samba family)
# and nothing under a temp dir. Test instances (this harness, the recipes) keep their data in their own
# temp dirs. NB samba rewrites its command line ("samba: root process"), so the command line cannot tell.
is_packaged_instance() {
  local pid=$1 comm=$2 link target packaged=1 pattern
  [[ -r /proc/$pid/fd ]] || return 1
  if [[ $comm == slapd ]]; then pattern='^(/var/lib/ldap/|/etc/ldap/slapd\.d)'; else pattern='^(/var/lib/samba/|/var/cache/samba/)'; fi
  packaged=0
  for link in /proc/"$pid"/fd/*; do
    target=$(readlink "$link" 2>/dev/null) || continue
    case $target in
      /tmp/*|/var/tmp/*|*ldap-okta-sync*) return 1 ;;
    esac
    [[ $target =~ $pattern ]] && packaged=1
  done
  target=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
  case $target in /tmp/*|/var/tmp/*|*ldap-okta-sync*) return 1 ;; esac
  ((packaged))
}

# process name -> service name
declare -A SERVICE_OF=([slapd]=slapd [samba]=samba-ad-dc [smbd]=smbd [nmbd]=nmbd [winbindd]=winbind)

packaged_daemons() { # prints "pid service" lines
  local f pid comm ppid pcomm stat
  for f in /proc/[0-9]*/comm; do
    read -r comm 2>/dev/null <"$f" || continue
    [[ -n ${SERVICE_OF[$comm]:-} ]] || continue
    pid=${f#/proc/}; pid=${pid%/comm}
    # only the top process of a daemon (prefork children share the parent's files)
    read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
    stat=${stat##*) }; read -r _ ppid _ <<<"$stat"
    pcomm=""; read -r pcomm 2>/dev/null <"/proc/$ppid/comm" || true
    [[ $pcomm == "$comm" ]] && continue
    if is_packaged_instance "$pid" "$comm"; then echo "$pid ${SERVICE_OF[$comm]}"; fi
  done
  return 0
}

stop_packaged_daemons() {
  local lines; lines=$(packaged_daemons)
  [[ -n $lines ]] || return 0
  if [[ $EUID -ne 0 && -z ${SUDO:-} ]]; then
    say "packaged directory daemons are running and would block the test servers' ports; stop them as root:"
    while read -r pid svc; do say "  service $svc stop   # pid $pid"; done <<<"$lines"
    return 0
  fi
  local pid svc
  while read -r pid svc; do
    say "stopping and disabling the packaged '$svc' service (pid $pid): it holds ports the test servers need"
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl stop "$svc" >/dev/null 2>&1 || true
      $SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
    elif [[ -x /etc/init.d/$svc ]]; then
      $SUDO "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
      command -v update-rc.d >/dev/null 2>&1 && { $SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true; }
    fi
    # whatever the init system did, make sure the process is gone
    if kill -0 "$pid" 2>/dev/null; then
      $SUDO kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then $SUDO kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  done <<<"$lines"
  return 0
}

# --- install --------------------------------------------------------------------------------------
SUDO=""
mapfile -t MISSING < <(missing_packages)
if ((${#MISSING[@]} == 0)); then
  [[ ${ENSURE_PACKAGES_QUIET:-0} == 1 ]] || say "all ${#PKGS[@]} directory-server packages are installed"
  stop_packaged_daemons
  exit 0
fi

if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    say "the integration tests need these Debian packages, which are not installed: ${MISSING[*]}"
    say "install them as root, then run the tests again:"
    say "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${MISSING[*]}"
    exit 1
  fi
fi
command -v apt-get >/dev/null 2>&1 || { say "missing packages (${MISSING[*]}) and no apt-get to install them"; exit 1; }

# Keep the packaged daemons from starting during the install (a container image usually has this
# already; a full Debian machine does not). Removed again afterwards if we created it.
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# temporary, from ldap-okta-sync test/servers/ensure-packages.sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  CREATED_POLICY=1
fi
cleanup() { if ((CREATED_POLICY)); then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

say "installing ${MISSING[*]}"
t0=$SECONDS
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
ok=0
for attempt in 1 2 3; do
  if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -q update >/dev/null \
     && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -q -y --no-install-recommends install "${MISSING[@]}" >/dev/null; then
    ok=1; break
  fi
  say "apt-get failed (attempt $attempt)"; sleep $((attempt * 5))
done
((ok)) || { say "could not install: ${MISSING[*]}"; exit 1; }

mapfile -t STILL < <(missing_packages)
((${#STILL[@]} == 0)) || { say "still missing after apt-get install: ${STILL[*]}"; exit 1; }
say "installed ${#MISSING[@]} package(s) in $((SECONDS - t0))s"

# Services of packages we just installed must not start at the next boot either (port 389).
declare -A PACKAGE_OF=([slapd]=slapd [samba-ad-dc]=samba-ad-dc [smbd]=samba [nmbd]=samba [winbind]=winbind)
for svc in "${!PACKAGE_OF[@]}"; do
  [[ " ${MISSING[*]} " == *" ${PACKAGE_OF[$svc]} "* ]] || continue
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/$svc ]] && command -v update-rc.d >/dev/null 2>&1; then
    $SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true
  fi
done
stop_packaged_daemons
exit 0
