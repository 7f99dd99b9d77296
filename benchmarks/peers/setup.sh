#!/usr/bin/env bash
# Benchmark-only environment for the peer algorithms (never used by tests).
# truthdiscovery 1.0.4 hard-pins years-old versions of everything, so it is
# installed without dependencies, beside the few libraries it really imports.
# pycairo needs Debian's libcairo2-dev (apt-get install -y libcairo2-dev pkg-config).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.venv-bench
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet numpy scipy bidict imageio matplotlib pyyaml pycairo
"$VENV/bin/python" -m pip install --quiet --no-deps truthdiscovery==1.0.4
"$VENV/bin/python" -c "import truthdiscovery; print('truthdiscovery', truthdiscovery.__file__)"
