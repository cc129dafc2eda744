#!/usr/bin/env bash
# Lesson 11's explorer page in headless chromium: takes a screenshot of it and prints what the page
# measured itself (how long its decoder takes for one code) with the page's size and any error.
#   bash scripts/explorer-screenshot.sh [PAGE] [PNG]
#        (default: out/11_latent/explorer.html -> out/11_latent/explorer.png)
# EXPLORER_STATE sets what the page shows, as in its address: pin=I&z=X,Y&from=A&to=B.
set -euo pipefail
page=${1:-out/11_latent/explorer.html}
png=${2:-${page%.html}.png}
state=${EXPLORER_STATE:-pin=0&z=0.6,-0.4&from=5&to=9}
[ -f "$page" ] || { echo "explorer-screenshot: no page at $page: ./workshop solution 11 writes it" >&2; exit 1; }
browser=${AE_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$browser" ] || { echo "explorer-screenshot: no chromium on PATH: bash scripts/install-deps.sh installs it" >&2; exit 1; }
command -v python3 > /dev/null || { echo "explorer-screenshot: python3 is needed (bash scripts/install-deps.sh)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
url="$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$page")#$state"
# A fresh profile, HOME and cache in $tmp (nothing left behind), no network, no GPU.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage
  --user-data-dir="$tmp/profile" --hide-scrollbars --force-device-scale-factor=1)
run() { HOME="$tmp" XDG_CONFIG_HOME="$tmp" XDG_CACHE_HOME="$tmp" "$browser" "${flags[@]}" "$@" 2>> "$tmp/log"; }

run --window-size=1180,1050 --screenshot="$tmp/shot.png" "$url" > /dev/null
[ -s "$tmp/shot.png" ] || { cat "$tmp/log" >&2; echo "explorer-screenshot: chromium wrote no screenshot" >&2; exit 1; }
run --dump-dom "$url" > "$tmp/dom.html"
mkdir -p "$(dirname "$png")"
cp "$tmp/shot.png" "$png.tmp" && mv "$png.tmp" "$png"  # the picture appears whole or not at all

python3 - "$tmp/dom.html" "$page" "$png" <<'PY'
import html, os, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
def text(id_):
    m = re.search(r'<[a-z]+ id="%s"[^>]*>(.*?)</' % id_, dom, re.S)
    return html.unescape(m.group(1)).strip() if m else None
print("page: %s (%.2f MB)" % (sys.argv[2], os.path.getsize(sys.argv[2]) / 1e6))
print("screenshot: %s" % sys.argv[3])
print("the page says: %s" % (text("status") or "(nothing: did it start?)"))
errors = text("page-errors")
if errors:
    print("the page reported errors:\n" + errors)
    sys.exit(1)
PY
