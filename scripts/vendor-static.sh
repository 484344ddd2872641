#!/usr/bin/env bash
# Vendor ZoneOps front-end static files from the npm registry.
#
# No CDN is used at run time (government intranets), so the few files the
# templates need are copied into zoneops/static/vendor/<name>/ together with
# the package's licence text.  Nothing is installed: each package is fetched
# with `npm pack` into a throw-away temp dir, its tarball integrity is checked
# against the pinned value below, the needed files are copied, and the temp
# dir is removed.  No node_modules/ or package.json is created in the repo.
#
# Usage:  scripts/vendor-static.sh
# Re-running is idempotent: the vendor/<name>/ dirs this script owns are
# deleted and re-created, and VERSIONS.md is regenerated.
#
# To upgrade a package: change its version here, set its integrity to "" and
# run once; the script prints the new integrity, paste it back in.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/zoneops/static/vendor"

# Pinned versions and tarball integrity (sha512, as in `npm view PKG@VER dist.integrity`)
BOOTSTRAP=5.3.8
BOOTSTRAP_SRI="sha512-HP1SZDqaLDPwsNiqRqi5NcP0SSXciX2s9E+RyqJIIqGo+vJeN5AJVM98CXmW/Wux0nQ5L7jeWUdplCEf0Ee+tg=="
BOOTSTRAP_ICONS=1.13.2
BOOTSTRAP_ICONS_SRI="sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
HTMX=2.0.11
HTMX_SRI="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
ALPINE=3.17.5
ALPINE_SRI="sha512-XewMqRC6zjy8iaUPn86dxjvooAsNai3hUtQbdn0A5H2w7Jt10xHGZ1SczN5+Dvp3UKkuSEt9moy/UaUWOwKdnQ=="
ECHARTS=6.1.0
ECHARTS_SRI="sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=="
ECHARTS_MAPS=4.9.0   # the last echarts release that still shipped map/json/
ECHARTS_MAPS_SRI="sha512-+ugizgtJ+KmsJyyDPxaw2Br5FqzuBnyOWwcxPKO6y0gc5caYcfnEUIlNStx02necw8jmKmTafmpHhGo4XDtEIA=="
FRAPPE_GANTT=1.2.2
FRAPPE_GANTT_SRI="sha512-1+uPNRa92LBIeKiZCVhJMiGIifJk5ONaoerXI8eBREXWRZGGoTJR5ATpMpsnAQcyBA6Gnq5wIht4eL+e4eHMBA=="
TOM_SELECT=2.4.3    # searchable pickers (units, people, industry)
TOM_SELECT_SRI="sha512-MFFrMxP1bpnAMPbdvPCZk0KwYxLqhYZso39torcdoefeV/NThNyDu8dV96/INJ5XQVTL3O55+GqQ78Pkj5oCfw=="
SWAGGER_UI=5.35.0    # the API docs page (/api/v1/docs)
SWAGGER_UI_SRI="sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="

TMP="$(mktemp -d "${TMPDIR:-/tmp}/zoneops-vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# fetch <npm-spec> <expected-integrity> -> prints the unpacked package dir
fetch() {
    local spec="$1" want="$2" json got tgz dir
    json="$(cd "$TMP" && npm pack "$spec" --json --loglevel=error)"
    got="$(node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(j[0].integrity)' <<<"$json")"
    tgz="$(node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(j[0].filename)' <<<"$json")"
    if [[ -z "$want" ]]; then
        echo "NOTE: $spec integrity is $got (pin it in $0)" >&2
    elif [[ "$got" != "$want" ]]; then
        echo "ERROR: integrity mismatch for $spec" >&2
        echo "  expected $want" >&2
        echo "  got      $got" >&2
        exit 1
    fi
    dir="$TMP/unpacked/${spec//[@\/:]/_}"
    mkdir -p "$dir"
    tar -xzf "$TMP/$tgz" -C "$dir"
    echo "$dir/package"
}

# fresh <name> -> empties and returns vendor/<name>
fresh() {
    rm -rf "${DEST:?}/$1"
    mkdir -p "$DEST/$1"
    echo "$DEST/$1"
}

# Django's ManifestStaticFilesStorage rewrites `sourceMappingURL` comments and
# fails collectstatic if the .map file is missing.  We do not ship .map files,
# so the trailing sourceMappingURL comment is removed (only that line).
strip_sourcemap() {
    sed -i -E '/^\/[*\/]# sourceMappingURL=.*$/d' "$1"
}

mkdir -p "$DEST"

# --- bootstrap ---------------------------------------------------------------
src="$(fetch "bootstrap@$BOOTSTRAP" "$BOOTSTRAP_SRI")"
out="$(fresh bootstrap)"
mkdir -p "$out/css" "$out/js"
cp "$src/dist/css/bootstrap.min.css" "$out/css/"
cp "$src/dist/js/bootstrap.bundle.min.js" "$out/js/"
strip_sourcemap "$out/css/bootstrap.min.css"
strip_sourcemap "$out/js/bootstrap.bundle.min.js"
cp "$src/LICENSE" "$out/LICENSE"

# --- bootstrap-icons (css references fonts/ relative to itself) --------------
src="$(fetch "bootstrap-icons@$BOOTSTRAP_ICONS" "$BOOTSTRAP_ICONS_SRI")"
out="$(fresh bootstrap-icons)"
mkdir -p "$out/font/fonts"
cp "$src/font/bootstrap-icons.min.css" "$out/font/"
cp "$src/font/fonts/bootstrap-icons.woff2" "$src/font/fonts/bootstrap-icons.woff" "$out/font/fonts/"
cp "$src/LICENSE" "$out/LICENSE"

# --- htmx ---------------------------------------------------------------------
src="$(fetch "htmx.org@$HTMX" "$HTMX_SRI")"
out="$(fresh htmx)"
cp "$src/dist/htmx.min.js" "$out/"
cp "$src/LICENSE" "$out/LICENSE"

# --- alpinejs -------------------------------------------------------------------
src="$(fetch "alpinejs@$ALPINE" "$ALPINE_SRI")"
out="$(fresh alpinejs)"
cp "$src/dist/cdn.min.js" "$out/alpine.min.js"
# The alpinejs npm tarball ships no licence file (package.json says "MIT").
# Text below is LICENSE.md of https://github.com/alpinejs/alpine.
cat > "$out/LICENSE" <<'EOF'
# MIT License

Copyright © 2019-2021 Caleb Porzio and contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# --- echarts (Apache-2.0: LICENSE + NOTICE; min.js embeds d3 code, BSD-3) ------
src="$(fetch "echarts@$ECHARTS" "$ECHARTS_SRI")"
out="$(fresh echarts)"
cp "$src/dist/echarts.min.js" "$out/"
cp "$src/LICENSE" "$src/NOTICE" "$out/"
cp "$src/licenses/LICENSE-d3" "$out/"

# --- echarts-maps: map JSON from echarts 4.9.0 -----------------------------------
src="$(fetch "echarts-maps@npm:echarts@$ECHARTS_MAPS" "$ECHARTS_MAPS_SRI")"
out="$(fresh echarts-maps)"
mkdir -p "$out/province"
cp "$src/map/json/china.json" "$out/"
cp "$src"/map/json/province/*.json "$out/province/"
cp "$src/LICENSE" "$src/NOTICE" "$out/"
cat > "$out/NOTICE.md" <<EOF
# echarts-maps — NOT a state-reviewed map (未经审图，无审图号)

These GeoJSON outlines (\`china.json\`, \`province/*.json\`) are copied unchanged
from the npm package \`echarts@$ECHARTS_MAPS\` (\`map/json/\`), Apache License 2.0
(see \`LICENSE\` and \`NOTICE\` in this folder).  ECharts stopped shipping map
data after 4.x.

**These outlines have NOT been reviewed or approved by the competent surveying
and mapping authority. They carry no 审图号 (map review number). They are 未经审图
and are for illustration only.**  Borders, coastlines, islands (including
南海诸岛) and the positions of boundaries may be incomplete, simplified or
wrong, and the data may be out of date.

Consequences for ZoneOps:

- Use them only as a schematic background for statistics/indicators on the
  intranet, never as an authoritative map, for boundary determination,
  navigation, or in printed / published / externally shared material.
- Any page or export that renders them must show a visible caption such as
  「示意图，未经审图，不作为权属及边界依据」.
- Before any public or formal use, replace them with a map obtained from the
  标准地图服务 (http://bzdt.ch.mnr.gov.cn/) or another source that carries a
  valid 审图号, and display that number.
EOF

# --- frappe-gantt -----------------------------------------------------------------
src="$(fetch "frappe-gantt@$FRAPPE_GANTT" "$FRAPPE_GANTT_SRI")"
out="$(fresh frappe-gantt)"
cp "$src/dist/frappe-gantt.umd.js" "$src/dist/frappe-gantt.css" "$out/"
cp "$src/license.txt" "$out/LICENSE"

# --- tom-select (searchable pickers; wired by zoneops.js from data-zo-picker, no inline script) ---
src="$(fetch "tom-select@$TOM_SELECT" "$TOM_SELECT_SRI")"
out="$(fresh tom-select)"
cp "$src/dist/js/tom-select.complete.min.js" "$src/dist/css/tom-select.bootstrap5.min.css" "$src/LICENSE" "$out/"
strip_sourcemap "$out/tom-select.complete.min.js"
strip_sourcemap "$out/tom-select.bootstrap5.min.css"

# --- swagger-ui-dist (API docs; no inline script, see zoneops/static/zoneops/swagger-init.js) ---
src="$(fetch "swagger-ui-dist@$SWAGGER_UI" "$SWAGGER_UI_SRI")"
out="$(fresh swagger-ui)"
cp "$src/swagger-ui-bundle.js" "$src/swagger-ui.css" "$src/swagger-ui-bundle.js.LICENSE.txt" "$out/"
cp "$src/LICENSE" "$src/NOTICE" "$out/"
strip_sourcemap "$out/swagger-ui-bundle.js"
strip_sourcemap "$out/swagger-ui.css"

# --- VERSIONS.md ----------------------------------------------------------------------
list_files() {  # relative file list of vendor/<name>, one per line, markdown-ish
    (cd "$DEST/$1" && find . -type f ! -path './province/*' | sed 's|^\./||' | LC_ALL=C sort | sed 's/^/`/; s/$/`/' | paste -sd ',' | sed 's/,/, /g')
}
{
    cat <<EOF
# Vendored front-end static files

Generated by \`scripts/vendor-static.sh\` — do not edit by hand; change the
pinned versions in the script and re-run it.  Files come from the npm registry
via \`npm pack\` (tarball integrity is checked against the pinned sha512).
Nothing is loaded from a CDN at run time.

| name (vendor/…) | npm package@version | licence | files |
|---|---|---|---|
| bootstrap | bootstrap@$BOOTSTRAP | MIT | $(list_files bootstrap) |
| bootstrap-icons | bootstrap-icons@$BOOTSTRAP_ICONS | MIT | $(list_files bootstrap-icons) |
| htmx | htmx.org@$HTMX | 0BSD | $(list_files htmx) |
| alpinejs | alpinejs@$ALPINE | MIT | $(list_files alpinejs) |
| echarts | echarts@$ECHARTS | Apache-2.0 (+ BSD-3-Clause d3 parts, see LICENSE-d3) | $(list_files echarts) |
| echarts-maps | echarts@$ECHARTS_MAPS (alias \`echarts-maps\`) | Apache-2.0 | $(list_files echarts-maps), \`province/*.json\` ($(ls "$DEST/echarts-maps/province" | wc -l) files) |
| frappe-gantt | frappe-gantt@$FRAPPE_GANTT | MIT | $(list_files frappe-gantt) |
| tom-select | tom-select@$TOM_SELECT | Apache-2.0 | $(list_files tom-select) |
| swagger-ui | swagger-ui-dist@$SWAGGER_UI | Apache-2.0 (bundled parts: see swagger-ui-bundle.js.LICENSE.txt) | $(list_files swagger-ui) |

Notes

- **bootstrap**: the trailing \`sourceMappingURL\` comment was removed from
  \`bootstrap.min.css\` and \`bootstrap.bundle.min.js\` because the \`.map\` files
  are not vendored (Django's \`ManifestStaticFilesStorage\` would otherwise fail
  \`collectstatic\` on the missing map).  No other byte is changed.
- **bootstrap-icons**: keep \`font/bootstrap-icons.min.css\` next to
  \`font/fonts/\`; the css loads \`fonts/bootstrap-icons.woff2|woff\` relatively.
- **alpinejs**: \`dist/cdn.min.js\` renamed to \`alpine.min.js\`.  The npm tarball
  has no licence file; \`LICENSE\` is the upstream repository's LICENSE.md (MIT).
- **htmx**: latest 2.x (npm \`latest\` tag points at 4.x, which is not used).
- **echarts-maps**: map outlines are NOT state-reviewed (未经审图，无审图号);
  illustration only — read \`echarts-maps/NOTICE.md\` before using them.
- **frappe-gantt**: \`LICENSE\` is the package's \`license.txt\`.
- **swagger-ui**: used by the API docs page only (behind sign-in unless
  \`ZONEOPS_API_DOCS_PUBLIC\`); the \`sourceMappingURL\` comment is removed as for bootstrap.

Pinned tarball integrity:

| npm spec | integrity |
|---|---|
| bootstrap@$BOOTSTRAP | \`$BOOTSTRAP_SRI\` |
| bootstrap-icons@$BOOTSTRAP_ICONS | \`$BOOTSTRAP_ICONS_SRI\` |
| htmx.org@$HTMX | \`$HTMX_SRI\` |
| alpinejs@$ALPINE | \`$ALPINE_SRI\` |
| echarts@$ECHARTS | \`$ECHARTS_SRI\` |
| echarts@$ECHARTS_MAPS | \`$ECHARTS_MAPS_SRI\` |
| frappe-gantt@$FRAPPE_GANTT | \`$FRAPPE_GANTT_SRI\` |
| swagger-ui-dist@$SWAGGER_UI | \`$SWAGGER_UI_SRI\` |

Total size of \`static/vendor/\`: $(du -sh "$DEST" | cut -f1) (as measured by \`du -sh\` when generated).
EOF
} > "$DEST/VERSIONS.md"

echo "Vendored into $DEST:"
du -sh "$DEST"/*/
echo "total: $(du -sh "$DEST" | cut -f1) ($(du -sb "$DEST" | cut -f1) bytes)"
