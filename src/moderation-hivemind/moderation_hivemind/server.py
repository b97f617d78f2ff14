"""HTTP to the moderation server: one session per process, and one retry policy for everything the package sends."""

import email.utils
import ipaddress
import logging
import os
import random
import threading
import time
import urllib.parse
from typing import Callable, Optional

import requests

from .errors import ServerUnavailableError

logger = logging.getLogger(__name__)

USER_AGENT = "moderation-hivemind/0.1"

#: Retried after Retry-After (or with backoff when it is missing): the server is busy or briefly unavailable.
RETRY_AFTER_STATUSES = (429, 503)
#: Retried with backoff: a proxy or the server failed, the request may not have been seen.
TRANSIENT_STATUSES = (500, 502, 504)


#: Set to 1 to allow a plain-http server that is not on this machine (the HF token then travels in cleartext).
ALLOW_HTTP_VARIABLE = "MODERATION_ALLOW_INSECURE_HTTP"


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Server:
    """
    The moderation server at ``url``. ``send`` retries connection errors, timeouts and the statuses above: after the
    server's ``Retry-After`` for 429 and 503 (at most ``max_wait`` seconds), with jittered exponential backoff otherwise,
    ``attempts`` times in all (None: until it succeeds). Any other answer is returned to the caller as it is.
    """

    def __init__(self, url: str, timeout: float = 10.0, max_wait: float = 60.0, session: Optional[requests.Session] = None,
                 sleep: Callable[[float], None] = time.sleep):
        if not url or not url.startswith(("https://", "http://")):
            raise ValueError("server_url must be the moderation server's http(s) address, e.g. https://moderation.example.org")
        if url.startswith("http://") and not _is_loopback(url) and os.environ.get(ALLOW_HTTP_VARIABLE) != "1":
            # The HF token and the service key travel in these requests: over plain http anyone on the path reads them.
            raise ValueError(f"server_url {url} is plain http to another machine, which would send your Hugging Face token "
                             f"and keys in cleartext; use its https:// address (or set {ALLOW_HTTP_VARIABLE}=1 for a "
                             "network you trust).")
        self.url = url.rstrip("/")
        self.timeout, self.max_wait, self._sleep = timeout, max_wait, sleep
        self._given_session, self._session, self._pid = session, None, None

    @property
    def session(self) -> requests.Session:
        # A session (and its connections) is never shared with a forked child process: hivemind's DHT runs in one.
        if self._given_session is not None:
            return self._given_session
        if self._session is None or self._pid != os.getpid():
            self._session, self._pid = requests.Session(), os.getpid()
            self._session.headers["User-Agent"] = USER_AGENT
        return self._session

    def get(self, path: str, **kwargs) -> requests.Response:
        """One GET, no retries (pollers poll again anyway)."""
        return self.session.get(self.url + path, timeout=self.timeout, **kwargs)

    def send(self, method: str, path: str, attempts: Optional[int] = 10, initial_delay: float = 1.0,
             fresh_headers: Optional[Callable[[], dict]] = None, deadline: Optional[float] = None,
             stop: Optional[threading.Event] = None, **kwargs) -> requests.Response:
        """``fresh_headers()`` is called before every attempt (a DPoP proof is good for one request only); no retry waits
        past ``deadline`` (``time.monotonic()``), nor after ``stop`` is set."""
        delay, attempt, headers = initial_delay, 0, dict(kwargs.pop("headers", None) or {})
        while True:
            attempt += 1
            kwargs["headers"] = dict(headers, **fresh_headers()) if fresh_headers else headers
            try:
                response = self.session.request(method, self.url + path, timeout=self.timeout, **kwargs)
                _check_whole(response)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as e:
                # Everything sent through here is idempotent (joins, reports by peer and step, checkpoints), so an answer
                # lost or cut short is asked for again.
                response, problem = None, "could not reach %s: %s" % (self.url, e)
            else:
                if response.status_code not in RETRY_AFTER_STATUSES + TRANSIENT_STATUSES:
                    return response
                problem = "%s %s answered %s: %s" % (method, path, response.status_code, reason_of(response))
            wait = retry_after(response, self.max_wait) if response is not None else None
            if wait is None:
                wait = min(delay, self.max_wait) * random.uniform(0.8, 1.2)
                delay = min(delay * 2, self.max_wait)
            if (attempts is not None and attempt >= attempts) or (deadline is not None and time.monotonic() + wait > deadline):
                raise ServerUnavailableError(problem)
            logger.warning("%s; trying again in %.1f s", problem, wait)
            if stop is None:
                self._sleep(wait)
            elif stop.wait(wait):
                raise ServerUnavailableError(problem + " (stopped retrying)")

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_session"] = state["_pid"] = None
        return state


def _check_whole(response: requests.Response) -> None:
    """urllib3 2 raises for an answer shorter than its Content-Length (as ChunkedEncodingError); urllib3 1 hands it over
    as if it were whole."""
    expected = response.headers.get("Content-Length", "")
    if expected.isdigit() and "Content-Encoding" not in response.headers and len(response.content) < int(expected):
        raise requests.exceptions.ChunkedEncodingError("the answer was cut short: %d of %s bytes" % (len(response.content), expected))


def retry_after(response: Optional[requests.Response], cap: float) -> Optional[float]:
    """Seconds the server asked us to wait (``Retry-After``: seconds or an HTTP date), at most ``cap``; None when absent."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds:  # NaN: as if there were none (time.sleep would raise)
        return None
    return min(max(seconds, 0.0), cap)


def reason_of(response: requests.Response) -> str:
    """What the server said was wrong: a ProblemDetails or reference ``detail``, else the status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, str) and detail:
            return detail
        if isinstance(detail, list):  # FastAPI's 422 shape
            return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
        if isinstance(body.get("title"), str):
            return body["title"]
    return "%s %s" % (response.status_code, response.reason or "")
