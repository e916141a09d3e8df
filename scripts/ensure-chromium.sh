#!/usr/bin/env bash
# Print the path of a usable Chromium binary on stdout and exit 0.
# If none is found and we are root on a Debian/Ubuntu machine, install it
# (plus fonts-dejavu-core so screenshots have text) with apt-get first.
# Exit 1 with a message on stderr when Chromium cannot be had; callers
# decide whether that means "skip" or "fail".
set -uo pipefail

find_chromium() {
    local candidate
    if [ -x /usr/bin/chromium ]; then
        echo /usr/bin/chromium
        return 0
    fi
    for candidate in chromium chromium-browser; do
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if path="$(find_chromium)"; then
    echo "$path"
    exit 0
fi

reason="no chromium, chromium-browser or /usr/bin/chromium found"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: installing chromium with apt-get (this can take a while)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || echo "ensure-chromium: apt-get update failed" >&2
    if apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1 \
        || apt-get install -y -qq chromium fonts-dejavu-core >&2; then
        if path="$(find_chromium)"; then
            echo "$path"
            exit 0
        fi
        reason="apt-get installed chromium but no binary was found afterwards"
    else
        reason="apt-get install chromium failed"
    fi
elif [ "$(id -u)" -ne 0 ]; then
    reason="$reason, and not running as root so it cannot be installed"
else
    reason="$reason, and apt-get is not available to install it"
fi

echo "ensure-chromium: Chromium not available ($reason)" >&2
exit 1
