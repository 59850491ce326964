#!/usr/bin/python3
"""cri.py SOCKET METHOD: one call of the CRI v1 RuntimeService, as a kubelet makes it.

The request is read as JSON (protobuf's JSON mapping: {"podSandboxId": ...}) on stdin, the
response printed as JSON on stdout; a gRPC error is printed on stderr as "CODE: details",
with exit status 1. The messages are those of api.proto next to this file, compiled on
first use into $CRI_PY_CACHE (default: a directory next to SOCKET) with grpc_tools'
protoc (Debian: python3-grpcio, python3-grpc-tools).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICE = "runtime.v1.RuntimeService"


def compiled_module(cache):
    """api_pb2, made by protoc into `cache` unless it is already there."""
    if not os.path.exists(os.path.join(cache, "api_pb2.py")):
        os.makedirs(cache, exist_ok=True)
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", HERE,
                        "--python_out=" + cache, os.path.join(HERE, "api.proto")], check=True)
    sys.path.insert(0, cache)
    import api_pb2  # pylint: disable=import-error,import-outside-toplevel
    return api_pb2


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[0])
    socket, method = sys.argv[1], sys.argv[2]
    # grpc_tools' protoc writes code that the C++ protobuf runtime refuses; the pure
    # Python one reads it.
    os.environ.setdefault("PROTOCOLBUFFERS_PYTHON_IMPLEMENTATION", "python")
    cache = os.environ.get("CRI_PY_CACHE") or os.path.join(os.path.dirname(socket), "cri-py")
    api = compiled_module(cache)
    import grpc  # pylint: disable=import-outside-toplevel
    from google.protobuf import json_format  # pylint: disable=import-outside-toplevel

    desc = api.DESCRIPTOR.services_by_name["RuntimeService"].methods_by_name.get(method)
    if desc is None:
        sys.exit("cri.py: unknown method %s" % method)
    request_type = getattr(api, desc.input_type.name)
    response_type = getattr(api, desc.output_type.name)
    request = json_format.Parse(sys.stdin.read() or "{}", request_type())
    with grpc.insecure_channel("unix://" + socket) as channel:
        call = channel.unary_unary("/%s/%s" % (SERVICE, method),
                                   request_serializer=request_type.SerializeToString,
                                   response_deserializer=response_type.FromString)
        try:
            response = call(request, timeout=float(os.environ.get("CRI_TIMEOUT", "60")))
        except grpc.RpcError as err:
            sys.stderr.write("%s: %s\n" % (err.code().name, err.details()))
            sys.exit(1)
    # With the fields at their default (CONTAINER_CREATED, exit code 0) shown too.
    print(json_format.MessageToJson(response, including_default_value_fields=True, indent=None))


if __name__ == "__main__":
    main()
