"""
The experiment's signed revocation list, kept up to date by polling (``GET …/revocations`` with ``If-None-Match``).

Policy when the list cannot be fetched (the server is down, a proxy fails, the answer is not signed by the experiment):
the peer keeps enforcing the last list it verified — nothing on it is ever forgotten — and says so in its log at once and
again every minute while it lasts. After ``stale_after`` seconds without a verified answer the list is *stale*: bans made
since then are not known here, and the log says so. Peers are still accepted unless ``refuse_when_stale_after`` is set:
past that age every peer is refused until the list is fetched again (for runs that would rather stop than risk a
banned peer). Tokens still expire, and a banned account cannot get a new one, so a stale list limits how long a ban
takes to reach this peer to at most the token lifetime.
"""

import logging
import time
from typing import Callable, FrozenSet, NamedTuple, Optional

from .poller import Poller
from .jose import DocumentError, ExperimentKeys, hivemind_token_id, ssh_key_fingerprint, verify_compact_jws

logger = logging.getLogger(__name__)

TYPE = "revocation-list+jws"


class RevocationList(NamedTuple):
    """What peers must refuse although its token's signature is good. ``version`` only grows."""

    experiment: str
    version: int
    issued_at: int
    banned_usernames: FrozenSet[str]  # case-folded: HF names are unique whatever their case
    revoked_peer_keys: FrozenSet[str]  # RFC 7638 thumbprints
    revoked_token_ids: FrozenSet[str]  # JWT jtis and "h:…" ids of hivemind_access tokens

    @classmethod
    def from_payload(cls, payload: dict, experiment: str) -> "RevocationList":
        if payload.get("experiment") != experiment:
            raise DocumentError("the list is for %r, not %r" % (payload.get("experiment"), experiment))
        version, issued_at = payload.get("version"), payload.get("issued_at")
        lists = [payload.get(k) for k in ("banned_usernames", "revoked_peer_keys", "revoked_token_ids")]
        if type(version) is not int or type(issued_at) is not int or not all(
                isinstance(l, list) and all(isinstance(x, str) for x in l) for l in lists):
            raise DocumentError("the list is malformed")
        return cls(experiment, version, issued_at, frozenset(n.casefold() for n in lists[0]), frozenset(lists[1]), frozenset(lists[2]))

    def refusal(self, username: str, public_key: bytes, signature: bytes) -> Optional[str]:
        """Why a peer holding this hivemind token must be refused, or None."""
        if username.casefold() in self.banned_usernames:
            return "%s is banned (revocation list version %d)" % (username, self.version)
        if self.revoked_peer_keys and ssh_key_fingerprint(bytes(public_key)) in self.revoked_peer_keys:
            return "the peer key of %s is revoked (version %d)" % (username, self.version)
        if self.revoked_token_ids and hivemind_token_id(signature) in self.revoked_token_ids:
            return "the token of %s is revoked (version %d)" % (username, self.version)
        return None


class RevocationWatcher(Poller):
    """
    Polls the list at most once per ``poll_interval`` seconds in a daemon thread of the process that uses it (see
    ``Poller``), and answers ``refusal`` from memory.
    """

    thread_name = "moderation-revocations"

    def __init__(self, server, organization_name: str, model_name: str, keys: ExperimentKeys, poll_interval: float = 1.0,
                 stale_after: float = 30.0, refuse_when_stale_after: Optional[float] = None,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(server, poll_interval, clock)
        self._keys = keys
        self.experiment = "%s/%s" % (organization_name, model_name)
        self._path = "/api/v1/experiments/%s/%s/revocations" % (organization_name, model_name)
        self.stale_after, self.refuse_when_stale_after = stale_after, refuse_when_stale_after
        self.current = None  # type: Optional[RevocationList]
        self._etag = None  # type: Optional[str]
        self._verified_at = clock()
        self._failing_since = None  # type: Optional[float]
        self._stale_logged = False

    @property
    def age(self) -> float:
        """Seconds since the server last gave a verified answer (a new list, or 304 for ours)."""
        return self._clock() - self._verified_at

    def refusal(self, username: str, public_key: bytes, signature: bytes) -> Optional[str]:
        self.ensure_polling()
        current, age = self.current, self.age
        if self.refuse_when_stale_after is not None and age > self.refuse_when_stale_after:
            return "the revocation list is %.0f s old (refuse_when_stale_after=%s): every peer is refused until it is fetched again" % (
                age, self.refuse_when_stale_after)
        if age > self.stale_after:
            message = "The revocation list of %s is stale: no verified answer for %.0f s, so bans made since then are not known here; " \
                      "peers are still checked against version %s" % (self.experiment, age, current.version if current else "none (never fetched)")
            if not self._stale_logged:
                self._stale_logged = True  # becoming stale is always said, then at most once a minute
                logger.warning(message)
            else:
                self._warn(message)
        return current.refusal(username, public_key, signature) if current is not None else None

    def _refresh(self) -> bool:
        """One conditional fetch. True when a newer verified list replaced ours. Never raises: failures are logged."""
        self._keys.refresh_if_wanted()
        try:
            response = self._get(self._path, self._etag if self.current else None)
        except Exception as e:
            return self._failed("could not fetch it: %s" % e)
        if response.status_code == 304:
            return self._verified(False)
        if response.status_code != 200:
            return self._failed("the server answered %s" % response.status_code)
        try:
            payload = verify_compact_jws(response.text, TYPE, self._keys.get)
            fetched = RevocationList.from_payload(payload, self.experiment)
        except DocumentError as e:
            logger.error("Refused a revocation list for %s that is not signed by the experiment: %s", self.experiment, e)
            return self._failed("the answer was not a list signed by the experiment")
        if self.current is not None and fetched.version < self.current.version:
            # A replica that has not caught up yet, or a replay: never go back to an older list.
            logger.info("Ignored revocation list version %d: this peer already has version %d", fetched.version, self.current.version)
            return self._verified(False)
        changed = self.current is None or fetched.version > self.current.version
        if changed:
            self.current, self._etag = fetched, response.headers.get("ETag")
            logger.info("Revocation list %s version %d: %d banned users, %d revoked peer keys, %d revoked tokens", self.experiment,
                        fetched.version, len(fetched.banned_usernames), len(fetched.revoked_peer_keys), len(fetched.revoked_token_ids))
        return self._verified(changed)

    def _verified(self, changed: bool) -> bool:
        if self._failing_since is not None:
            logger.warning("The revocation list of %s can be fetched again (after %.0f s)", self.experiment, self._clock() - self._failing_since)
        self._verified_at, self._failing_since, self._last_warning, self._stale_logged = self._clock(), None, None, False
        return changed

    def _failed(self, why: str) -> bool:
        if self._failing_since is None:
            self._failing_since = self._clock()
            self._last_warning = None
        self._warn("Revocation list of %s: %s; keeping the last verified list (version %s, verified %.0f s ago)" % (
            self.experiment, why, self.current.version if self.current else "none", self.age))
        return False
