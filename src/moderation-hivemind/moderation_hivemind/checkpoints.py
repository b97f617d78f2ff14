"""
The checkpoint peers should train from, as the experiment signs it (``GET …/checkpoints/current``, a compact JWS with
``typ: current-checkpoint+jws``). After a moderator's rollback it names an older checkpoint; a peer that follows it
reloads that revision.
"""

import logging
import threading
import time
from typing import Callable, List, NamedTuple, Optional

from .jose import DocumentError, ExperimentKeys, verify_compact_jws
from .poller import Poller

logger = logging.getLogger(__name__)

TYPE = "current-checkpoint+jws"


class CurrentCheckpoint(NamedTuple):
    experiment: str
    checkpoint_id: int
    repository: str  # Hub repository id, owner/name
    revision: str  # Hub commit id (40 hex)
    step: int
    rollback_id: Optional[int]  # set when a rollback made this checkpoint current
    issued_at: int

    @classmethod
    def from_payload(cls, payload: dict, experiment: str) -> "CurrentCheckpoint":
        if payload.get("experiment") != experiment:
            raise DocumentError("the document is for %r, not %r" % (payload.get("experiment"), experiment))
        try:
            checkpoint = cls(experiment, payload["checkpoint_id"], payload["repository"], payload["revision"], payload["step"],
                             payload.get("rollback_id"), payload["issued_at"])
        except KeyError as e:
            raise DocumentError("the document has no %s" % e) from None
        if not (type(checkpoint.checkpoint_id) is int and isinstance(checkpoint.repository, str) and isinstance(checkpoint.revision, str)
                and type(checkpoint.step) is int and type(checkpoint.issued_at) is int
                and (checkpoint.rollback_id is None or type(checkpoint.rollback_id) is int)):
            raise DocumentError("the document is malformed")
        return checkpoint

    def rolled_back_from(self, previous: Optional["CurrentCheckpoint"]) -> bool:
        """Whether a moderator's rollback made this checkpoint current since ``previous`` was (not a new upload)."""
        return previous is not None and self.rollback_id is not None and self.rollback_id != previous.rollback_id

    def same_as(self, other: Optional["CurrentCheckpoint"]) -> bool:
        """The same checkpoint, reached the same way (a later rollback to it again is a change)."""
        return other is not None and (self.checkpoint_id, self.revision, self.rollback_id) == (other.checkpoint_id, other.revision, other.rollback_id)


class CheckpointWatcher(Poller):
    """
    Keeps the verified current checkpoint and calls the registered callbacks with ``(new, previous)`` when it changes.
    Documents signed earlier than the one held are ignored (a replica that has not caught up yet).
    """

    thread_name = "moderation-checkpoints"

    def __init__(self, server, organization_name: str, model_name: str, keys: ExperimentKeys, poll_interval: float = 5.0):
        super().__init__(server, poll_interval)
        self._keys = keys
        self.experiment = "%s/%s" % (organization_name, model_name)
        self._path = "/api/v1/experiments/%s/%s/checkpoints/current" % (organization_name, model_name)
        self.current = None  # type: Optional[CurrentCheckpoint]
        self._etag = None  # type: Optional[str]
        self._callbacks = []  # type: List[Callable[[CurrentCheckpoint, Optional[CurrentCheckpoint]], None]]
        self._seen_by_caller = None  # type: Optional[CurrentCheckpoint]
        self._changed = threading.Condition()

    def on_change(self, callback: Callable[[CurrentCheckpoint, Optional[CurrentCheckpoint]], None]) -> None:
        """Calls ``callback(new, previous)`` from the polling thread at every change (previous is None the first time)."""
        self._callbacks.append(callback)
        self.ensure_polling()

    def rollback_since_last_call(self) -> Optional[CurrentCheckpoint]:
        """
        For a training loop that polls (e.g. once per step): the checkpoint to reload when a rollback made one current
        since the previous call, else None. The first call only notes where things stand. Never waits for the network.
        """
        self.ensure_polling()
        current, seen = self.current, self._seen_by_caller
        if current is None or current.same_as(seen):
            return None
        self._seen_by_caller = current
        return current if current.rolled_back_from(seen) else None

    def wait_for_change(self, than: Optional[CurrentCheckpoint], timeout: float) -> Optional[CurrentCheckpoint]:
        """Blocks until the current checkpoint differs from ``than`` (or ``timeout`` seconds pass); returns it or None."""
        self.ensure_polling()
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.current is None or self.current.same_as(than):
                left = deadline - time.monotonic()
                if left <= 0 or not self._changed.wait(left):
                    return None
            return self.current

    def _refresh(self) -> bool:
        try:
            response = self._get(self._path, self._etag if self.current else None)
        except Exception as e:
            self._warn("Could not fetch the current checkpoint of %s: %s" % (self.experiment, e))
            return False
        if response.status_code in (200, 304, 404):
            self._last_warning = None  # the server answers again: say so at the next failure
        if response.status_code in (304, 404):  # unchanged, or no checkpoint registered yet
            return False
        if response.status_code != 200:
            self._warn("The current checkpoint of %s answered %s" % (self.experiment, response.status_code))
            return False
        try:
            fetched = CurrentCheckpoint.from_payload(verify_compact_jws(response.text, TYPE, self._keys.get), self.experiment)
        except DocumentError as e:
            logger.error("Refused a current-checkpoint document for %s that is not signed by the experiment: %s", self.experiment, e)
            return False
        previous = self.current
        if fetched.same_as(previous) or (previous is not None and fetched.issued_at < previous.issued_at):
            return False
        with self._changed:
            self.current, self._etag = fetched, response.headers.get("ETag")
            self._changed.notify_all()
        logger.info("Current checkpoint of %s: step %d, %s@%s%s", self.experiment, fetched.step, fetched.repository, fetched.revision,
                    " (rolled back by rollback %d)" % fetched.rollback_id if fetched.rollback_id is not None else "")
        for callback in list(self._callbacks):
            try:
                callback(fetched, previous)
            except Exception:
                logger.exception("A current-checkpoint callback failed")
        return True

    def __getstate__(self):
        state = super().__getstate__()
        state["_changed"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._changed = threading.Condition()
