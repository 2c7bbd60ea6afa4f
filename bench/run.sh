#!/usr/bin/env bash
# provisio benchmark (issue 6). One command:
#   bench/run.sh            20,000 documents + 300 PDFs, all peers
#   bench/run.sh --quick    2,000 documents + 100 PDFs (about 15 minutes)
#   bench/run.sh --scale    provisio alone at 2k -> 20k -> 200k documents (2.5M passages); ~10 min
# Options: --seed N, --n N, --runs N (full index runs per engine, default 3),
#          --peers a,b,c (default: all), --no-install
# Environment: PROVISIO_BIN (default: this repository's release build, built first)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PROVISIO_BENCH_CACHE:-$HOME/.cache/provisio-bench}"
SEED=6; N=20000; RUNS=3; NPDF=300; MODE=full; PEERS=""; INSTALL=1; ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick; N=2000; NPDF=100 ;;
    --scale) MODE=scale ;;
    --seed) SEED="$2"; shift ;;
    --n) N="$2"; shift ;;
    --peers) PEERS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --no-install) INSTALL=0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$CACHE"
if [ -z "${PROVISIO_BIN:-}" ]; then
  # The repository's own release build, brought up to date first.
  (cd "$HERE/.." && cargo build --release --quiet)
  PROVISIO_BIN="${CARGO_TARGET_DIR:-$HERE/../target}/release/provisio"
fi
export PROVISIO_BIN
[ -x "$PROVISIO_BIN" ] || { echo "no provisio binary at $PROVISIO_BIN (cargo build --release)" >&2; exit 1; }
log() { echo "$(date +%T) $*" >&2; }

# ---- peers: Debian packages, PyPI packages in a venv, tantivy-cli from crates.io -------------
if [ "$INSTALL" = 1 ]; then
  need=""
  for pkg in recoll:recollindex python3-recoll:/usr/lib/python3/dist-packages/recoll groonga:groonga \
             sphinxsearch:searchd postgresql:/usr/lib/postgresql poppler-utils:pdftotext \
             python3-cairo:/usr/lib/python3/dist-packages/cairo fonts-noto-cjk:/usr/share/fonts/opentype/noto \
             wrk:wrk; do
    p="${pkg%%:*}"; t="${pkg#*:}"
    if [ "${t#/}" != "$t" ]; then [ -e "$t" ] || need="$need $p"; else command -v "$t" >/dev/null || need="$need $p"; fi
  done
  if [ -n "$need" ]; then
    log "apt-get install$need"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; } >"$CACHE/apt.log" 2>&1; then
      log "apt-get failed (see $CACHE/apt.log); missing peers will be reported as unavailable"
    fi
  fi
fi
VENV="$CACHE/venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import psutil, psycopg2, pymysql" 2>/dev/null; then
  log "creating $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q psutil psycopg2-binary pymysql >"$CACHE/pip.log" 2>&1 \
    || "$VENV/bin/pip" install -q psutil >>"$CACHE/pip.log" 2>&1 || true
fi
TCLI="$CACHE/tantivy-cli/bin/tantivy"
if [ "$INSTALL" = 1 ] && [ ! -x "$TCLI" ] && [ "$MODE" != scale ]; then
  # Long build (~20-40 min on 2 cores): started in the background at low priority; runs that
  # start before it is done report tantivy-cli as unavailable.
  if ! pgrep -f "cargo install tantivy-cli" >/dev/null; then
    log "building tantivy-cli in the background (log: $CACHE/tantivy-cli/build.log)"
    mkdir -p "$CACHE/tantivy-cli"
    (nice -n 19 cargo install tantivy-cli --root "$CACHE/tantivy-cli" -j 1 \
       --target-dir "$CACHE/tantivy-cli/target" >"$CACHE/tantivy-cli/build.log" 2>&1 &) || true
  fi
fi
export TANTIVY_CLI="$TCLI"

# ---- corpus (cached by seed and size) --------------------------------------------------------
SYSPY=/usr/bin/python3   # has python3-cairo and python3-recoll
GENSUM="$(sha256sum "$HERE/gen_corpus.py" | cut -c1-16)"
gen() {  # gen DIR ARGS...: generate into DIR once (again if the generator changed)
  local dir="$1"; shift
  if [ "$(cat "$dir/.done" 2>/dev/null)" != "$GENSUM" ]; then
    log "generating $dir"
    rm -rf "$dir.tmp"
    nice -n 10 "$SYSPY" "$HERE/gen_corpus.py" --out "$dir.tmp" "$@"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"; echo "$GENSUM" > "$dir/.done"
  fi
}
PDFS="$CACHE/pdfs-$SEED-300"
gen "$PDFS" --seed "$SEED" --pdfs 300

DATE="$(date +%Y-%m-%d)"
if [ "$MODE" = scale ]; then
  for n in 2000 20000 200000; do gen "$CACHE/scale-$SEED-$n" --seed "$SEED" --n "$n" --uniform 2500; done
  OUT="$HERE/results/$DATE-scale.md"
  nice -n 10 "$VENV/bin/python" "$HERE/scale.py" --cache "$CACHE" --seed "$SEED" --work "$CACHE/work-scale" \
    --out "$OUT" --command "bench/run.sh $ARGS"
  log "report: $OUT"; exit 0
fi
CORPUS="$CACHE/corpus-$SEED-$N"
gen "$CORPUS" --seed "$SEED" --n "$N"
SUFFIX=""; [ "$MODE" = quick ] && SUFFIX="-quick"
OUT="$HERE/results/$DATE$SUFFIX.md"
"$VENV/bin/python" "$HERE/harness.py" --docs "$CORPUS/docs" --pdfs "$PDFS" --npdf "$NPDF" \
  --work "$CACHE/work-$SEED-$N" --out "$OUT" --runs "$RUNS" ${PEERS:+--peers "$PEERS"} \
  $([ "$MODE" = quick ] && echo --quick) --command "bench/run.sh $ARGS"
log "report: $OUT"
