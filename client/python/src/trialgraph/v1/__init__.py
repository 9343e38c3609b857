"""Generated protobuf messages and gRPC stubs of the trialgraph.v1 API (from proto/, by
client/python/scripts/generate-stubs.sh; do not edit). The public API of the package is in
trialgraph itself; these are for callers who want the raw messages."""
