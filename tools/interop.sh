#!/usr/bin/env bash
# The Python interop suite (Tests/interop): AccessLab's AWS-shaped output read by botocore, boto3 and
# moto's server. Creates .venv with Tests/interop/requirements.txt the first time (about a minute from
# PyPI), then runs the suite against the debug build (ACCESSLAB_BIN overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s Tests/interop/requirements.txt "$stamp"; then
    echo "interop: creating $venv with Tests/interop/requirements.txt" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r Tests/interop/requirements.txt
    cp Tests/interop/requirements.txt "$stamp"
fi
[ -x "${ACCESSLAB_BIN:-.build/debug/accesslab}" ] || swift build --product accesslab
cd Tests/interop
exec "../../$venv/bin/python" -m unittest discover -s . -p 'test_*.py' "$@"
