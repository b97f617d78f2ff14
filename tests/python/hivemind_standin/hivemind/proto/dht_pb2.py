"""The messages of hivemind/proto/dht.proto (1.1.12) that hivemind's auth tests sign: NodeInfo, PingRequest, PingResponse."""

from . import auth_pb2  # noqa: F401  (registers auth.proto first)
from ._schema import messages

_classes = messages("dht.proto", {
    "NodeInfo": [("node_id", 1, "bytes")],
    "PingRequest": [("auth", 1, "RequestAuthInfo"), ("peer", 2, "NodeInfo"), ("validate", 3, "bool")],
    "PingResponse": [("auth", 1, "ResponseAuthInfo"), ("peer", 2, "NodeInfo"), ("dht_time", 4, "double"), ("available", 5, "bool")],
}, dependencies=["auth.proto"])
NodeInfo = _classes["NodeInfo"]
PingRequest = _classes["PingRequest"]
PingResponse = _classes["PingResponse"]
