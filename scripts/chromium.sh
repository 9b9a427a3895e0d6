#!/usr/bin/env bash
# The browser the web console's tests drive: Debian's Chromium, from apt, so
# nothing downloads a browser of its own. Installs it when /usr/bin/chromium is
# missing (as root, or through sudo), and says which one is there otherwise.
# Not pinned: Debian replaces Chromium with each security release, and an old
# version disappears from the archive.
set -euo pipefail

chromium=/usr/bin/chromium

if [ -x "$chromium" ]; then
  echo "reusing Chromium $(dpkg-query -W -f '${Version}' chromium 2>/dev/null || echo '(not from a Debian package)')"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "the browser tests need Chromium at $chromium; install it with your system's package manager" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "installing Chromium needs root: run 'apt-get install chromium' as root" >&2; exit 1; }
  sudo=(sudo)
fi

echo "installing Chromium from Debian's archive for the browser tests"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
echo "installed Chromium $(dpkg-query -W -f '${Version}' chromium)"
