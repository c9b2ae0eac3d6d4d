#!/usr/bin/env bash
# Vendor the JavaScript/CSS that folium 0.20.0 and streamlit-folium 0.27.4 load from CDNs, so that maps
# work with no internet (see dashboard/viz/assets.py for the URL -> file mapping that uses these files).
#
#   scripts/vendor_assets.sh            # (re)build dashboard/ui/static/vendor/
#
# Idempotent: every run wipes the vendor folder (except README.md) and rebuilds it from the exact package
# versions below, fetched with `npm pack` from the npm registry (tarballs are immutable, npm checks their
# integrity). Only the dist files a browser needs and each package's licence file are kept; a SHA256SUMS
# manifest is written last so a reviewer can check that nothing was edited by hand.
#
# Needs: npm, tar, sha256sum, and the project's venv (for leaflet_heat.min.js, which ships in the folium wheel).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/dashboard/ui/static/vendor"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$VENDOR"
find "$VENDOR" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

# fetch SPEC: npm-pack SPEC (name@version) and unpack it; prints the unpacked package directory.
fetch() {
  local spec="$1" dir tgz
  dir="$TMP/$(echo "$spec" | tr '/@' '__')"
  if [ ! -d "$dir/package" ]; then
    mkdir -p "$dir"
    tgz="$(cd "$dir" && npm pack --silent "$spec" | tail -n 1)"
    tar -xzf "$dir/$tgz" -C "$dir"
  fi
  echo "$dir/package"
}

# put SPEC DEST_DIR FILE...: copy FILEs (paths inside the npm package) to vendor/DEST_DIR/FILE.
put() {
  local spec="$1" dest="$2" src f
  shift 2
  src="$(fetch "$spec")"
  for f in "$@"; do
    if [ ! -f "$src/$f" ]; then
      echo "vendor_assets: $spec has no file $f" >&2
      exit 1
    fi
    mkdir -p "$VENDOR/$dest/$(dirname "$f")"
    cp "$src/$f" "$VENDOR/$dest/$f"
  done
}

# --- folium.Map (every map) ---------------------------------------------------------------------------------
put leaflet@1.9.3 leaflet@1.9.3 LICENSE dist/leaflet.js dist/leaflet.css \
  dist/images/layers.png dist/images/layers-2x.png \
  dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png
put jquery@3.7.1 jquery@3.7.1 LICENSE.txt dist/jquery.min.js
put bootstrap@5.2.2 bootstrap@5.2.2 LICENSE dist/js/bootstrap.bundle.min.js dist/css/bootstrap.min.css
# Font Awesome: the one stylesheet folium links (all.min.css) and the webfonts it references.
put @fortawesome/fontawesome-free@6.2.0 @fortawesome/fontawesome-free@6.2.0 LICENSE.txt css/all.min.css \
  webfonts/fa-solid-900.woff2 webfonts/fa-solid-900.ttf \
  webfonts/fa-regular-400.woff2 webfonts/fa-regular-400.ttf \
  webfonts/fa-brands-400.woff2 webfonts/fa-brands-400.ttf \
  webfonts/fa-v4compatibility.woff2 webfonts/fa-v4compatibility.ttf
# folium links bootstrap 3.0.0's bootstrap-glyphicons.css (folium.Icon's default prefix is "glyphicon"); that
# file is on no registry. This package is the glyphicon part of Bootstrap 3.3.7 only (same class names).
# The .eot/.svg font formats are for IE/old Safari and are left out.
put @neos21/bootstrap3-glyphicons@1.0.7 @neos21/bootstrap3-glyphicons@1.0.7 LICENSE \
  dist/css/bootstrap3-glyphicons.min.css \
  dist/fonts/glyphicons-halflings-regular.woff2 dist/fonts/glyphicons-halflings-regular.woff \
  dist/fonts/glyphicons-halflings-regular.ttf
# folium links Leaflet.awesome-markers 2.0.2 (cdnjs); npm has 2.0.0/2.0.4/2.0.5, 2.0.5 is the nearest.
# Its stylesheet references only the "soft" marker sprites and the shadows.
put leaflet.awesome-markers@2.0.5 leaflet.awesome-markers@2.0.5 LICENSE \
  dist/leaflet.awesome-markers.js dist/leaflet.awesome-markers.css \
  dist/images/markers-soft.png dist/images/markers-soft@2x.png \
  dist/images/markers-shadow.png dist/images/markers-shadow@2x.png

# --- plugins -------------------------------------------------------------------------------------------------
# MarkerCluster, FastMarkerCluster
put leaflet.markercluster@1.1.0 leaflet.markercluster@1.1.0 MIT-LICENCE.txt \
  dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css
# Fullscreen (folium links jsDelivr's on-the-fly minified Control.FullScreen.min.js; npm ships the source)
put leaflet.fullscreen@3.0.0 leaflet.fullscreen@3.0.0 LICENSE \
  Control.FullScreen.js Control.FullScreen.css icon-fullscreen.svg
# FeatureGroupSubGroup, GroupedLayerControl, TopoJson: small, likely for layer toggles / boundaries.
put leaflet.featuregroup.subgroup@1.0.2 leaflet.featuregroup.subgroup@1.0.2 LICENSE \
  dist/leaflet.featuregroup.subgroup.js
put leaflet-groupedlayercontrol@0.6.1 leaflet-groupedlayercontrol@0.6.1 LICENSE.txt \
  dist/leaflet.groupedlayercontrol.min.js dist/leaflet.groupedlayercontrol.min.css
put topojson@1.6.9 topojson@1.6.9 LICENSE topojson.min.js
# d3: branca colormaps (legends) link d3 3.5.5; streamlit-folium inserts d3 v4 (d3js.org/d3.v4.min.js = 4.13.0,
# the last v4) and d3 3.5.5 whenever a colormap is on the map.
put d3@3.5.5 d3@3.5.5 LICENSE d3.min.js
put d3@4.13.0 d3@4.13.0 LICENSE build/d3.min.js

# HeatMap: folium links the copy in its own GitHub repo; the same file ships in the folium wheel.
HEAT="$("$PYTHON" -c 'import folium, pathlib; print(pathlib.Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js")')"
FOLIUM_LICENSE="$("$PYTHON" -c 'import importlib.metadata as m; print(next(str(f.locate()) for f in m.files("folium") if f.name == "LICENSE.txt"))')"
mkdir -p "$VENDOR/folium@0.20.0/templates"
cp "$HEAT" "$VENDOR/folium@0.20.0/templates/leaflet_heat.min.js"
cp "$FOLIUM_LICENSE" "$VENDOR/folium@0.20.0/LICENSE.txt"
# leaflet_heat.min.js is Leaflet.heat + simpleheat (BSD-2-Clause): keep that licence beside it too.
cp "$(fetch leaflet.heat@0.2.0)/LICENSE" "$VENDOR/folium@0.20.0/LICENSE.leaflet-heat.txt"

# folium.Icon(angle=N) adds the class fa-rotate-N, styled by folium's leaflet.awesome.rotate.min.css, which lives
# only in folium's GitHub repo (not in the wheel, not on a registry). This is a functional stand-in written here
# (part of this project, MIT): one transform rule per whole angle 0..359.
mkdir -p "$VENDOR/generated"
{
  echo "/* Generated by scripts/vendor_assets.sh: stand-in for folium's leaflet.awesome.rotate.min.css. */"
  for angle in $(seq 0 359); do
    printf '.fa-rotate-%d{transform:rotate(%ddeg)}\n' "$angle" "$angle"
  done
} > "$VENDOR/generated/leaflet.awesome.rotate.css"

(cd "$VENDOR" && find . -type f ! -name SHA256SUMS ! -name README.md | LC_ALL=C sort | xargs sha256sum) \
  > "$VENDOR/SHA256SUMS"

echo "vendored into $VENDOR: $(du -sh --apparent-size "$VENDOR" | cut -f1)"
