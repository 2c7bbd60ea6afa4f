#!/usr/bin/env bash
# Regenerate the provisio sample corpus (corpus/) from the sources in
# tools/corpus-src/docs/*.src.  Not run in CI: the generated files are
# committed.  Output is deterministic: run it twice and `git status` stays clean.
#
# Prerequisites (Debian 12 "bookworm"; names as in Debian's archive):
#   apt-get update
#   apt-get install -y python3 libreoffice-writer-nogui poppler-utils \
#       fonts-arphic-uming fonts-wqy-zenhei
#   (fonts-noto-cjk is optional; only used if a source asks for it)
# No pip packages are needed: DOCX files are written by gen.py with the
# standard library (zipfile), HTML/TXT with the stdlib codecs (gb18030, gbk,
# big5, utf-16).  PDFs: gen.py writes a flat ODT (.fodt) per PDF into build/,
# then `soffice --headless --convert-to pdf` renders it with the fonts
# embedded as subsets, and `gen.py pdf-post` pins the creation date and /ID.
#
# Tested with LibreOffice 7.4.7.2 (Debian 12).  Another LibreOffice version or
# font build can change line breaks; re-run the checks in verify.sh afterwards.
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1672531200

rm -rf build
mkdir -p build

echo "== text, HTML, DOCX and .fodt sources"
python3 gen.py

echo "== PDF via LibreOffice"
# a private profile so a user's LibreOffice settings cannot change the output
PROFILE="file://$PWD/build/lo-profile"
soffice -env:UserInstallation="$PROFILE" --headless --convert-to pdf --outdir build build/*.fodt >/dev/null
python3 gen.py pdf-post

echo "== checks"
bash verify.sh
