#!/bin/sh
# Runs one command (a keyring test) inside a private D-Bus session with an unlocked
# gnome-keyring Secret Service, and HOME plus the XDG directories in a fresh temporary directory,
# so the test can neither see nor touch the operator's real keychain or settings.
#   usage: with-keyring.sh PROGRAM [ARGS...]
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 PROGRAM [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon gdbus; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is not installed" >&2; exit 1; }
done

top=$(mktemp -d "${TMPDIR:-/tmp}/vigil-keyring.XXXXXX")
trap 'rm -rf "$top"' EXIT INT TERM
export HOME="$top/home"
export XDG_CONFIG_HOME="$top/config"
export XDG_DATA_HOME="$top/data"
export XDG_CACHE_HOME="$top/cache"
export XDG_RUNTIME_DIR="$top/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# Desktop detection must not steer QtKeychain towards KWallet.
unset XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION DISPLAY WAYLAND_DISPLAY || true

# Inside the session: start the daemon, wait until its bus name is owned (not a fixed sleep),
# run the program, stop the daemon by its PID and pass the program's exit code on. Not exec'd,
# so the trap above removes the temporary directory afterwards.
# shellcheck disable=SC2016
rc=0
dbus-run-session -- sh -c '
    set -u
    printf %s vigil-test-keyring | gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$XDG_RUNTIME_DIR/keyring.log" 2>&1 &
    daemon=$!
    if ! gdbus wait --session --timeout 15 org.freedesktop.secrets; then
        echo "with-keyring.sh: the Secret Service did not appear on the session bus" >&2
        cat "$XDG_RUNTIME_DIR/keyring.log" >&2
        kill "$daemon" 2>/dev/null
        exit 1
    fi
    rc=0
    "$@" || rc=$?
    kill "$daemon" 2>/dev/null
    wait "$daemon" 2>/dev/null
    exit $rc
' with-keyring "$@" || rc=$?
exit $rc
