#!/bin/sh
# Runs the Python client's pytest suite with Debian's python3 against the packaged service
# (service/target/trialgraph); ./mvnw verify calls it in the integration-test phase of
# client/python. Arguments go to pytest, e.g. client/python/scripts/run-tests.sh -k logger
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
python_dir=$(dirname "$here")
python=${TRIALGRAPH_TEST_PYTHON:-/usr/bin/python3}
packages="python3-grpcio python3-protobuf python3-pytest python3-torch protobuf-compiler protobuf-compiler-grpc"
missing=""
if [ ! -x "$python" ]; then
  missing="$python"
else
  for module in grpc google.protobuf pytest torch; do
    "$python" -c "import $module" >/dev/null 2>&1 || missing="$missing $module"
  done
fi
for tool in protoc grpc_python_plugin; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "error: the Python client's tests need Debian packages (missing:$missing): apt-get install -y $packages" >&2
  exit 1
fi
cd "$python_dir"
exec "$python" -m pytest -q -p no:cacheprovider -rfEs "$@" tests
