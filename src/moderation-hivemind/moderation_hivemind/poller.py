"""A document kept fresh by a daemon thread of the process that reads it."""

import logging
import os
import threading
import time
from typing import Callable, Optional

from .server import RETRY_AFTER_STATUSES, retry_after

logger = logging.getLogger(__name__)


class Poller:
    """
    Calls ``_refresh()`` every ``_next_delay`` seconds in a daemon thread, started by ``ensure_polling()``. The thread,
    its locks and its stop switch belong to one process: hivemind runs its DHT in a child process (``fork``), where the
    parent's threads do not exist, so the first use there starts a thread of its own. Picklable (runtime state is dropped).
    """

    thread_name = "moderation-poller"

    def __init__(self, server, interval: float, clock: Callable[[], float] = time.monotonic):
        self._server, self.poll_interval, self._clock = server, interval, clock
        self._next_delay = interval
        self._runtime = None  # type: Optional[_Runtime]
        self._last_warning = None  # type: Optional[float]

    def _refresh(self) -> bool:
        raise NotImplementedError

    def refresh(self) -> bool:
        """One fetch now, serialised with the thread's. True when what this poller holds changed."""
        with self._state().refresh_lock:
            return self._refresh()

    def ensure_polling(self) -> None:
        runtime = self._state()
        if runtime.thread is None and not runtime.stop.is_set():
            with runtime.start_lock:
                if runtime.thread is None:
                    runtime.thread = threading.Thread(target=self._poll, args=(runtime.stop,), name=self.thread_name, daemon=True)
                    runtime.thread.start()

    def close(self) -> None:
        """Stops the thread (in this process); a closed poller is not started again."""
        self._state().stop.set()

    def _poll(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.refresh()
            except Exception:  # a bug must not end the polling for the rest of the run
                logger.exception("%s failed; polling goes on", self.thread_name)
            stop.wait(self._next_delay)

    def _get(self, path: str, etag: Optional[str]):
        """A conditional GET (``If-None-Match``); a 429 or 503 also puts the next poll off by its ``Retry-After``."""
        self._next_delay = self.poll_interval
        response = self._server.get(path, headers={"If-None-Match": etag} if etag else {})
        if response.status_code in RETRY_AFTER_STATUSES:
            self._next_delay = max(self.poll_interval, retry_after(response, 60.0) or self.poll_interval)
        return response

    def _warn(self, message: str) -> None:
        """A warning at most once a minute (a poller that fails fails every second), in the subclass's logger."""
        now = self._clock()
        if self._last_warning is None or now - self._last_warning >= 60.0:
            self._last_warning = now
            logging.getLogger(type(self).__module__).warning(message)

    def _state(self) -> "_Runtime":
        if self._runtime is None or self._runtime.pid != os.getpid():
            self._runtime = _Runtime()
        return self._runtime

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_runtime"] = None
        return state


class _Runtime:
    def __init__(self):
        self.pid = os.getpid()
        self.refresh_lock, self.start_lock, self.stop = threading.Lock(), threading.Lock(), threading.Event()
        self.thread = None  # type: Optional[threading.Thread]
