#!/bin/sh
# Regenerates the Python gRPC stubs of the trialgraph package from proto/ (the single source of the API):
#   client/python/scripts/generate-stubs.sh            # writes client/python/src/trialgraph/v1/
#   client/python/scripts/generate-stubs.sh OUT_DIR    # writes OUT_DIR/trialgraph/v1/ (the drift test's use)
# Needs protoc and the gRPC Python plugin: apt-get install -y protobuf-compiler protobuf-compiler-grpc.
# The committed stubs come from Debian 12's protoc 3.21.12 (gencode 4.21.12): older gencode loads on
# newer protobuf runtimes, never the other way round, so regenerate with that protoc (another one
# changes the files and pyproject.toml's protobuf range must follow it).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
python_dir=$(dirname "$here")
repo=$(dirname "$(dirname "$python_dir")")
protos="$repo/proto/src/main/proto"
out=${1:-"$python_dir/src"}
plugin=${GRPC_PYTHON_PLUGIN:-$(command -v grpc_python_plugin || true)}
if ! command -v protoc >/dev/null 2>&1 || [ -z "$plugin" ]; then
  echo "error: protoc and grpc_python_plugin are needed: apt-get install -y protobuf-compiler protobuf-compiler-grpc" >&2
  exit 1
fi
mkdir -p "$out/trialgraph/v1"
rm -f "$out"/trialgraph/v1/*_pb2.py "$out"/trialgraph/v1/*_pb2_grpc.py
cd "$protos"
protoc -I. --python_out="$out" --grpc_python_out="$out" --plugin=protoc-gen-grpc_python="$plugin" trialgraph/v1/*.proto
cat > "$out/trialgraph/v1/__init__.py" <<'PY'
"""Generated protobuf messages and gRPC stubs of the trialgraph.v1 API (from proto/, by
client/python/scripts/generate-stubs.sh; do not edit). The public API of the package is in
trialgraph itself; these are for callers who want the raw messages."""
PY
