"""
A stand-in for the parts of hivemind (learning-at-home/hivemind, tag 1.1.12) that moderation_hivemind uses, written from
hivemind's source so the package runs here unchanged as it runs on real hivemind, which cannot be installed on this
machine (it builds libp2p and PyTorch). What it imitates, and how closely:

- ``hivemind.proto.auth_pb2``: the real protobuf messages ``AccessToken``, ``RequestAuthInfo`` and ``ResponseAuthInfo``
  (the field numbers and types of hivemind's ``auth.proto``), built at import from that schema with the protobuf runtime,
  so ``SerializeToString()`` gives the bytes hivemind peers sign. ``hivemind.proto.dht_pb2`` has ``NodeInfo``,
  ``PingRequest`` and ``PingResponse`` of ``dht.proto``, the messages hivemind's own auth tests sign.
- ``hivemind.utils.crypto``: ``RSAPrivateKey``/``RSAPublicKey`` as hivemind's ``crypto.py`` (RSA-2048, PSS with MGF1-SHA256
  and the maximum salt length, signatures base64-encoded, public keys in OpenSSH form, a process-wide key).
- ``hivemind.utils.auth``: ``AuthorizerBase``, ``TokenAuthorizerBase`` (token refresh under a lock, request and response
  signing and validation with the same steps, checks and log messages: token validity, signature over the serialized
  message with an empty signature field, the service public key, the one-minute clock window and nonce replay
  protection) and ``AuthRPCWrapper``/``AuthRole`` (a servicer answers None to an unauthorized request; a client drops an
  unauthorized response), as in hivemind's ``auth.py``.
- ``hivemind.utils.timed_storage``: ``get_dht_time`` and a ``TimedStorage`` with ``store``, membership and ``freeze``.

Not imitated: the DHT, libp2p and averaging. Tests drive ``AuthRPCWrapper`` around plain objects in one process, as
hivemind's own ``tests/test_auth.py`` does.
"""
