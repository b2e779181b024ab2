#!/usr/bin/env bash
# Set up Describe in ./.venv on a fresh machine.
#   scripts/setup.sh          the app
#   scripts/setup.sh test     the app, plus what the tests and checks need
# Environment: PYTHON (default python3), TORCH_SPEC (default torch==2.13.0),
# TORCH_INDEX_URL (a PyTorch wheel index, e.g. the CPU-only one, for users on Linux
# without an NVIDIA GPU who want to skip the large CUDA build).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

# Debian/Ubuntu packages (speech, audio, virtual screen for tests). Skipped elsewhere.
apt_list="scripts/apt-packages.txt"
[ "$mode" = test ] && apt_list="$apt_list scripts/apt-packages-test.txt"
wanted=$(cat $apt_list 2>/dev/null | sed 's/#.*//' | xargs -r echo)
if [ -n "$wanted" ] && command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for p in $wanted; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
        if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
            echo "Installing Debian packages:$missing"
            $sudo apt-get update -qq
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
        else
            echo "Please install these packages with your package manager:$missing" >&2
        fi
    fi
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=".venv/bin/python -m pip"
# torch first, and pinned, so the rest does not pick another. Where the package index
# offers only torch's CUDA build (PyPI on Linux: several GB), TORCH_INDEX_URL names
# PyTorch's CPU-only index instead. pip is quiet: each step says it is starting, and that
# it can take minutes, so a silent terminal is not taken for a hang.
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
    echo "Installing ${TORCH_SPEC:-torch==2.13.0} (this can take several minutes)"
    $pip install -q ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} "${TORCH_SPEC:-torch==2.13.0}"
fi
echo "Installing Describe and its libraries (this can take several minutes)"
if [ "$mode" = test ]; then
    $pip install -q -e ".[test]"
else
    $pip install -q -e .
fi
echo "Describe is set up in .venv"
