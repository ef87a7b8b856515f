#!/usr/bin/env bash
# Re-lock the environment: requirements.in -> requirements.txt and requirements-dev.in -> requirements-dev.txt,
# every package pinned (Linux, Python 3.11). Edit only the .in files, then run this from any directory.
# Pins already in the .txt files are kept; to move some: bash tools/lock.sh --upgrade-package NAME
# (or --upgrade for all). tests/test_repo.py fails while a .in file and its lock disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=$(command -v uv || true)
if [ -z "$UV" ]; then
  pip install -q uv==0.13.10
  UV=$(command -v uv)
fi
# soupsieve (via beautifulsoup4) needs Python >= 3.11.5, hence the patch version
opts=(--python-version 3.11.5 --python-platform linux --quiet --custom-compile-command "bash tools/lock.sh" "$@")
"$UV" pip compile requirements.in -o requirements.txt "${opts[@]}"
# the dev lock resolves the same versions for every package the two share
grep -v '^-e' requirements.txt > .lock-constraints.txt
trap 'rm -f .lock-constraints.txt' EXIT
"$UV" pip compile requirements-dev.in -o requirements-dev.txt -c .lock-constraints.txt "${opts[@]}"
