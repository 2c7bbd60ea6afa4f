#!/usr/bin/env bash
# Check the generated corpus (anchors, encodings, PDF page contents).
set -euo pipefail
exec python3 "$(dirname "$0")/verify.py" "$@"
