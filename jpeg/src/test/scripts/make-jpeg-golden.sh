#!/usr/bin/env bash
# Regenerates the JPEG golden test data under jpeglm/src/test/resources/jpeg/:
#   sources/*.png   small source images (photo crops, Fashion-MNIST digits, synthetic patterns)
#   golden/*.jpg    what libjpeg-turbo's cjpeg writes for each case in cases.tsv (the oracle: same bytes as
#                   Pillow's save(quality=Q, subsampling=..., restart_marker_blocks=1), full file with tables)
# The tests (org.jpeglm.jpeg.GoldenCjpegTest) encode each case with JpegEncoder and compare bytes, so they
# need none of these tools. Run from anywhere; needs root for apt-get (or the packages already installed):
#   apt-get install -y libjpeg-turbo-progs netpbm lomiri-wallpapers-16.04 python-matplotlib-data \
#                      dataset-fashion-mnist
# Re-running rewrites sources (noise uses fixed seeds, photo scaling is deterministic) and goldens.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
res="$here/../resources/jpeg"
src="$res/sources"
gold="$res/golden"
cases="$res/cases.tsv"
mkdir -p "$src" "$gold"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

need() { command -v "$1" >/dev/null || { echo "missing $1 (apt-get install -y $2)" >&2; exit 1; }; }
need cjpeg libjpeg-turbo-progs
need pamscale netpbm

bg=/usr/share/backgrounds
hopper=/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg
fmnist=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz

# A 256x256 centre crop of a photo, scaled to cover.
photo() { # out.png in.jpg [gray]
  djpeg -ppm "$2" | pamscale -xyfill 256 256 > "$tmp/p.ppm"
  read -r w h < <(pamfile -size "$tmp/p.ppm")
  pamcut -left $(((w - 256) / 2)) -top $(((h - 256) / 2)) -width 256 -height 256 "$tmp/p.ppm" > "$tmp/c.ppm"
  if [ "${3:-}" = gray ]; then ppmtopgm "$tmp/c.ppm" | pnmtopng > "$1"; else pnmtopng < "$tmp/c.ppm" > "$1"; fi
}

# Fashion-MNIST test image $2 (28x28 gray, idx3 format: 16-byte header, then 784 bytes per image).
fashion() { # out.png index
  [ -f "$tmp/fmnist" ] || zcat "$fmnist" > "$tmp/fmnist"
  { printf 'P5\n28 28\n255\n'
    dd if="$tmp/fmnist" iflag=skip_bytes,count_bytes skip=$((16 + $2 * 784)) count=784 status=none; } | pnmtopng > "$1"
}

rgbnoise() { # out.png w h seed
  pgmnoise -randomseed=$4 "$2" "$3" > "$tmp/r.pgm"
  pgmnoise -randomseed=$(($4 + 1)) "$2" "$3" > "$tmp/g.pgm"
  pgmnoise -randomseed=$(($4 + 2)) "$2" "$3" > "$tmp/b.pgm"
  rgb3toppm "$tmp/r.pgm" "$tmp/g.pgm" "$tmp/b.pgm" | pnmtopng > "$1"
}

echo "sources..." >&2
photo "$src/hopper.png" "$hopper"
photo "$src/seeding.png" "$bg/seeding_by_Clements_Engelhardt.jpg"
photo "$src/picos.png" "$bg/picosdeeuropa_by_Aitzol_Berasategi.jpg"
photo "$src/wine.png" "$bg/Wine_by_Jakkub_Mede.jpg"
photo "$src/life-gray.png" "$bg/life_by_Aitzol_Berasategi.jpg" gray
photo "$src/umang-gray.png" "$bg/umang_by_Abhishek_Mudgal.jpg" gray
for i in 0 1 2 3 4 5; do fashion "$src/fashion$i.png" "$i"; done
ppmmake rgb:c0/40/20 64 64 | pnmtopng > "$src/flat-rust.png"
pgmmake 0.5 32 32 | pnmtopng > "$src/flat-gray.png"
ppmmake rgb:ff/ff/ff 256 256 | pnmtopng > "$src/white.png"
ppmmake rgb:00/00/00 64 64 | pnmtopng > "$src/black.png"
rgb3toppm <(pgmramp -lr 256 256) <(pgmramp -tb 256 256) <(pgmramp -diagonal 256 256) | pnmtopng > "$src/ramp-rgb.png"
pgmramp -ellipse 256 256 | pnmtopng > "$src/ramp-gray.png"
ppmrainbow -width 100 -height 75 red yellow green cyan blue magenta | pnmtopng > "$src/rainbow.png"
rgbnoise "$src/noise-rgb.png" 100 75 7
pgmnoise -randomseed=11 100 75 | pnmtopng > "$src/noise-gray.png"
{ pbmmake -b 8 8 > "$tmp/k.pbm"; pbmmake -w 8 8 > "$tmp/w.pbm";
  pnmcat -tb <(pnmcat -lr "$tmp/k.pbm" "$tmp/w.pbm") <(pnmcat -lr "$tmp/w.pbm" "$tmp/k.pbm") > "$tmp/t.pbm";
  pnmtile 72 56 "$tmp/t.pbm" | pamdepth 255 2>/dev/null | pnmtopng > "$src/checker.png"; }
pbmmake -g 40 24 | pamdepth 255 2>/dev/null | pnmtopng > "$src/pixel-checker.png"

echo "goldens..." >&2
rm -f "$gold"/*.jpg
# cases.tsv: name source left top width height subsampling quality
grep -v '^#' "$cases" | while read -r name source left top width height sub q; do
  [ -n "$name" ] || continue
  case "$sub" in
    S420|GRAY) sample=2x2,1x1,1x1 ;;
    S444|GRAY_444) sample=1x1,1x1,1x1 ;;
    *) echo "bad subsampling $sub" >&2; exit 1 ;;
  esac
  # pamdepth: 1-bit or palette PNGs come back as 8-bit PGM/PPM, as ImageIO's getRGB/raster reading sees them.
  pngtopam -mix "$src/$source" | pamcut -left "$left" -top "$top" -width "$width" -height "$height" \
    | pamdepth 255 2>/dev/null > "$tmp/in.pnm"
  gray=false; pamfile "$tmp/in.pnm" | grep -q PGM && gray=true
  case "$sub" in
    GRAY|GRAY_444) $gray || { echo "$name: gray case needs a gray source" >&2; exit 1; }
                   input="$tmp/in.pnm" ;;
    *) if $gray; then pgmtoppm rgb:ff/ff/ff < "$tmp/in.pnm" > "$tmp/in.ppm"; else cp "$tmp/in.pnm" "$tmp/in.ppm"; fi
       input="$tmp/in.ppm" ;;
  esac
  cjpeg -quality "$q" -sample "$sample" -restart 1B -baseline "$input" > "$gold/$name.jpg"
done
echo "$(ls "$gold" | wc -l) goldens, $(du -sh "$res" | cut -f1) in $res" >&2
