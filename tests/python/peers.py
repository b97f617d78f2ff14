"""
Peers that talk the way hivemind's DHT does, in one process: a client's ``AuthRPCWrapper`` signs a request, it crosses
"the network" as bytes (serialized and parsed again, as libp2p carries it), the servicer's wrapper validates it and signs
the answer, which crosses back and is validated by the client. ``None`` is a refusal on either side.
"""

from datetime import datetime

import requests
from hivemind.proto import dht_pb2
from hivemind.proto.auth_pb2 import AccessToken
from hivemind.utils.auth import AuthRole, AuthRPCWrapper, TokenAuthorizerBase
from hivemind.utils.crypto import RSAPublicKey


class _Servicer:
    def __init__(self, name):
        self.name = name

    async def rpc_ping(self, request):
        return dht_pb2.PingResponse(peer=dht_pb2.NodeInfo(node_id=self.name.encode()), available=True)


class _Network:
    """What a client's stub reaches: the servicer's wrapper, through serialization both ways."""

    def __init__(self, servicer_wrapper):
        self._servicer = servicer_wrapper

    async def rpc_ping(self, request):
        response = await self._servicer.rpc_ping(dht_pb2.PingRequest.FromString(request.SerializeToString()))
        return None if response is None else dht_pb2.PingResponse.FromString(response.SerializeToString())


class Peer:
    def __init__(self, name, authorizer):
        self.name, self.authorizer = name, authorizer
        self.servicer = AuthRPCWrapper(_Servicer(name), AuthRole.SERVICER, authorizer)

    async def ping(self, other: "Peer") -> bool:
        """True when ``other`` accepted our request and we accepted its answer."""
        client = AuthRPCWrapper(_Network(other.servicer), AuthRole.CLIENT, self.authorizer, service_public_key=other.authorizer.local_public_key)
        request = dht_pb2.PingRequest(peer=dht_pb2.NodeInfo(node_id=self.name.encode()))
        response = await client.rpc_ping(request)
        return response is not None and response.peer.node_id == other.name.encode()


class ReferenceAuthorizer(TokenAuthorizerBase):
    """An "old" peer: the join and the token checks of dalle-hivemind's huggingface_auth.HuggingFaceAuthorizer (no
    revocation list), pointed at our server as its README says (``_AUTH_SERVER_URL``)."""

    def __init__(self, server_url, organization_name, model_name, hf_user_access_token):
        super().__init__()
        self._server_url, self.organization_name, self.model_name = server_url, organization_name, model_name
        self.hf_user_access_token, self._authority_public_key = hf_user_access_token, None

    async def get_token(self):
        self.join_experiment()
        return self._local_access_token

    def join_experiment(self):
        response = requests.put(self._server_url + "/api/experiments/join", headers={"Authorization": "Bearer " + self.hf_user_access_token},
                                params={"organization_name": self.organization_name, "model_name": self.model_name},
                                json={"experiment_join_input": {"peer_public_key": self.local_public_key.to_bytes().decode()}})
        response.raise_for_status()
        answer = response.json()
        self._authority_public_key = RSAPublicKey.from_bytes(answer["auth_server_public_key"].encode())
        token = answer["hivemind_access"]
        self._local_access_token = AccessToken(username=token["username"], public_key=token["peer_public_key"].encode(),
                                               expiration_time=str(datetime.fromisoformat(token["expiration_time"])),
                                               signature=token["signature"].encode())

    def is_token_valid(self, access_token):
        data = ("%s %s %s" % (access_token.username, access_token.public_key, access_token.expiration_time)).encode()
        if not self._authority_public_key.verify(data, access_token.signature):
            return False
        expiration_time = datetime.fromisoformat(access_token.expiration_time)
        return expiration_time.tzinfo is None and expiration_time >= datetime.utcnow()

    def does_token_need_refreshing(self, access_token):
        return datetime.fromisoformat(access_token.expiration_time) < datetime.utcnow()
