"""
``ModerationAuthorizer``: hivemind's ``TokenAuthorizerBase`` joined through a moderation server, a drop-in for the
``HuggingFaceAuthorizer`` of dalle-hivemind and sahajBERT that also refuses peers the moderators banned or revoked
(within seconds, from the experiment's signed revocation list) and follows the checkpoint the moderators chose.
"""

import asyncio
import collections
import logging
from datetime import datetime, timedelta
from typing import Callable, List, Optional

from hivemind.proto.auth_pb2 import AccessToken
from hivemind.utils.auth import TokenAuthorizerBase
from hivemind.utils.crypto import RSAPrivateKey, RSAPublicKey

from .checkpoints import CheckpointWatcher, CurrentCheckpoint
from .dpop import dpop_proof, openssh_public_key
from .errors import InvalidCredentialsError, NonRetriableError, NotInAllowlistError
from .huggingface import find_hf_token
from .jose import ExperimentKeys
from .reporter import checked_report
from .revocations import RevocationWatcher
from .server import Server, reason_of

logger = logging.getLogger(__name__)


class ModerationAuthorizer(TokenAuthorizerBase):
    """
    Joins ``organization_name/model_name`` at ``server_url`` with the participant's Hugging Face token (``hf_token``, else
    ``HF_TOKEN`` or the token file ``huggingface-cli login`` wrote) through the reference-compatible endpoint, so its
    tokens are the ``hivemind_access`` tokens every peer of the run already checks. On top of hivemind's checks it refuses
    peers on the experiment's revocation list (polled every ``poll_interval`` seconds; see ``revocations`` for what happens
    when it cannot be fetched).
    """

    _MAX_LATENCY = timedelta(minutes=1)  # refresh a token this long before it expires, as HuggingFaceAuthorizer does

    def __init__(self, server_url: str, organization_name: str, model_name: str, hf_token: Optional[str] = None,
                 local_private_key: Optional[RSAPrivateKey] = None, poll_interval: float = 1.0, stale_after: float = 30.0,
                 refuse_when_stale_after: Optional[float] = None, checkpoint_poll_interval: float = 5.0, join_attempts: int = 10,
                 server: Optional[Server] = None):
        super().__init__(local_private_key)
        self.organization_name, self.model_name = organization_name, model_name
        self.hf_user_access_token = find_hf_token(hf_token)
        if not self.hf_user_access_token:
            raise InvalidCredentialsError("No Hugging Face token: pass hf_token, set HF_TOKEN, or run huggingface-cli login.")
        self.coordinator_ip = self.coordinator_port = None
        self.initial_peers = []  # type: List[str]
        self._authority_public_key = None  # type: Optional[RSAPublicKey]
        self._join_attempts = join_attempts
        self._server = server or Server(server_url)
        experiment = "/api/v1/experiments/%s/%s" % (organization_name, model_name)
        self._keys = ExperimentKeys(self._server, experiment + "/jwks")
        self.revocations = RevocationWatcher(self._server, organization_name, model_name, self._keys, poll_interval, stale_after,
                                             refuse_when_stale_after)
        self.checkpoints = CheckpointWatcher(self._server, organization_name, model_name, self._keys, checkpoint_poll_interval)
        self._valid_signatures = collections.OrderedDict()  # token fields -> True, for tokens whose signature checked out
        self._peer_token = None  # the native join's JWT, for reporting this peer's own work

    @property
    def username(self) -> str:
        return self._local_access_token.username

    async def get_token(self) -> AccessToken:
        """hivemind calls this when the token needs refreshing; the join itself runs in a thread, not on the event loop."""
        await asyncio.get_running_loop().run_in_executor(None, self.join_experiment)
        return self._local_access_token

    def join_experiment(self) -> None:
        """Joins (``PUT /api/experiments/join``); refusals raise ``NotInAllowlistError``/``InvalidCredentialsError`` with the server's reason."""
        response = self._server.send("PUT", "/api/experiments/join", attempts=self._join_attempts,
                                     headers={"Authorization": "Bearer " + self.hf_user_access_token},
                                     params={"organization_name": self.organization_name, "model_name": self.model_name},
                                     json={"experiment_join_input": {"peer_public_key": self.local_public_key.to_bytes().decode()}})
        if response.status_code == 401:
            challenge = response.headers.get("WWW-Authenticate", "")
            error = InvalidCredentialsError if "invalid_token" in challenge else NotInAllowlistError
            raise error(reason_of(response))
        if response.status_code != 200:
            raise NonRetriableError("The join was refused (%s): %s" % (response.status_code, reason_of(response)))
        answer = response.json()
        self._authority_public_key = RSAPublicKey.from_bytes(answer["auth_server_public_key"].encode())
        self.coordinator_ip, self.coordinator_port = answer.get("coordinator_ip"), answer.get("coordinator_port")
        self.initial_peers = list(answer.get("initial_peers") or [])
        token = answer["hivemind_access"]
        self._local_access_token = AccessToken(
            username=token["username"], public_key=token["peer_public_key"].encode(),
            expiration_time=str(datetime.fromisoformat(token["expiration_time"])), signature=token["signature"].encode())
        logger.info("Access for user %s has been granted until %s UTC", self.username, self._local_access_token.expiration_time)
        self.revocations.refresh()  # the peer starts with the list of the moment, then polls it
        self.revocations.ensure_polling()

    def is_token_valid(self, access_token: AccessToken) -> bool:
        """hivemind's check (signature, expiry, no time zone), against the key this peer joined with or any key the experiment publishes."""
        try:
            expiration_time = datetime.fromisoformat(access_token.expiration_time)
        except ValueError:
            logger.debug("Access token has a malformed expiration time: %r", access_token.expiration_time)
            return False
        if expiration_time.tzinfo is not None or expiration_time < datetime.utcnow():
            logger.debug("Access token has expired or has a time zone: %s", access_token.expiration_time)
            return False
        fields = (access_token.username, bytes(access_token.public_key), access_token.expiration_time, bytes(access_token.signature))
        if fields in self._valid_signatures:
            return True
        data = ("%s %s %s" % (access_token.username, bytes(access_token.public_key), access_token.expiration_time)).encode()
        if not any(key.verify(data, access_token.signature) for key in self._authority_keys()):
            logger.debug("Access token of %s has an invalid signature", access_token.username)
            self._keys.want_fresh()  # perhaps signed by a key the experiment started using since: the poller looks
            self.revocations.ensure_polling()
            return False
        self._valid_signatures[fields] = True
        if len(self._valid_signatures) > 4096:
            self._valid_signatures.popitem(last=False)
        return True

    def _authority_keys(self):
        # The key this peer received first (what HuggingFaceAuthorizer trusts), then the others the experiment publishes,
        # so that peers holding tokens of a just-rotated key are not refused.
        if self._authority_public_key is not None:
            yield self._authority_public_key
        joined = self._authority_public_key.to_bytes() if self._authority_public_key is not None else None
        for key in self._keys.all():
            wrapped = RSAPublicKey(key)
            if wrapped.to_bytes() != joined:
                yield wrapped

    def does_token_need_refreshing(self, access_token: AccessToken) -> bool:
        return datetime.fromisoformat(access_token.expiration_time) < datetime.utcnow() + self._MAX_LATENCY

    # The revocation list is asked only about tokens hivemind's own checks found the experiment signed: anyone who reaches
    # the port can send a token, and a forged one's key (of any size) must be neither parsed nor remembered.
    async def validate_request(self, request) -> bool:
        return await super().validate_request(request) and not self._refused(request.auth.client_access_token, "request")

    async def validate_response(self, response, request) -> bool:
        return await super().validate_response(response, request) and not self._refused(response.auth.service_access_token, "response")

    def _refused(self, token: AccessToken, what: str) -> bool:
        reason = self.revocations.refusal(token.username, token.public_key, token.signature)
        if reason is not None:
            logger.info("Refused a %s from a peer: %s", what, reason)
        return reason is not None

    def current_checkpoint(self) -> Optional[CurrentCheckpoint]:
        """The checkpoint the experiment says to train from, verified (fetched now); None before any is registered."""
        self.checkpoints.refresh()
        return self.checkpoints.current

    def on_checkpoint_change(self, callback: Callable[[CurrentCheckpoint, Optional[CurrentCheckpoint]], None]) -> None:
        """``callback(new, previous)`` at every change of the current checkpoint (new uploads and rollbacks)."""
        self.checkpoints.on_change(callback)

    def on_rollback(self, callback: Callable[[CurrentCheckpoint], None]) -> None:
        """``callback(checkpoint)`` when a moderator's rollback makes ``checkpoint`` current: reload its revision."""
        self.checkpoints.on_change(lambda new, previous: callback(new) if new.rolled_back_from(previous) else None)

    def rollback_since_last_call(self) -> Optional[CurrentCheckpoint]:
        """Polling alternative to ``on_rollback``: the checkpoint to reload, once, after a rollback; else None."""
        return self.checkpoints.rollback_since_last_call()

    def report_own_work(self, step: int, samples: int, samples_per_second: float, mini_steps: int, loss: float,
                        time: float) -> dict:
        """
        Reports this peer's own work at ``step`` (when no auxiliary peer reports it), with the peer token of a native join
        and a DPoP proof signed by this peer's key. Returns the server's ``{received, stored, duplicates}``. Raises
        ValueError, before sending anything, for a report the server could not read (a NaN loss, a number too big).
        """
        path = "/api/v1/experiments/%s/%s/contributions" % (self.organization_name, self.model_name)
        report = checked_report(openssh_public_key(self._local_private_key), step, samples, samples_per_second, mini_steps, loss, time)
        for _ in range(2):  # a second time with a new peer token when the first one has expired
            token = self._peer_token or self._native_join()
            response = self._server.send("POST", path, json={"reports": [report]}, fresh_headers=lambda: {
                "Authorization": "DPoP " + token, "DPoP": dpop_proof(self._local_private_key, "POST", self._server.url + path, token)})
            if response.status_code != 401:
                break
            self._peer_token = None
        if response.status_code != 200:
            raise NonRetriableError("The report was refused (%s): %s" % (response.status_code, reason_of(response)))
        return response.json()

    def _native_join(self) -> str:
        joined = self._server.send("POST", "/api/v1/experiments/%s/%s/join" % (self.organization_name, self.model_name),
                                   attempts=self._join_attempts, headers={"Authorization": "Bearer " + self.hf_user_access_token},
                                   json={"peer_public_key": self.local_public_key.to_bytes().decode()})
        if joined.status_code != 200:
            raise NonRetriableError("The join was refused (%s): %s" % (joined.status_code, reason_of(joined)))
        self._peer_token = joined.json()["token"]
        return self._peer_token

    def close(self) -> None:
        """Stops polling (in this process)."""
        self.revocations.close()
        self.checkpoints.close()
