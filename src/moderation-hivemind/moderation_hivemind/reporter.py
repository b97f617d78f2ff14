"""
The auxiliary peer's side: contribution reports from hivemind's per-peer metrics, checkpoint registration and the run's
initial peers, all with a service key (``msk_…``).
"""

import collections
import logging
import math
import re
import threading
import time as _time
from datetime import datetime, timezone
from typing import Any, Deque, Dict, Iterable, List, Optional, Tuple

from .errors import ModerationError, NonRetriableError
from .server import Server, reason_of

logger = logging.getLogger(__name__)

MAX_BATCH = 1000  # the server refuses larger batches
_OWNER_MARKER = re.compile(rb"\[owner:(.+?)\]")  # hivemind's RSASignatureValidator subkey: b"[owner:ssh-rsa AAAA…]"
_REPORT_INDEX = re.compile(r"^reports\[(\d+)\]")
# The largest values the server's report fields can hold (step and samples: 64-bit, mini_steps: 32-bit integers). A value
# beyond them, or a float that is not finite, cannot even be read by the server, which then refuses the whole batch
# without naming the report: one such record would hold every later report back for ever.
_INT64, _INT32 = 2 ** 63 - 1, 2 ** 31 - 1


class ContributionReporter:
    """
    Collects per-peer, per-step reports and sends them in batches of at most 1,000 (``POST …/contributions``). A batch
    leaves the queue only once the server has answered for it: connection errors, timeouts, 429, 5xx and a server
    restarting mid-batch are retried with backoff (after ``Retry-After`` when given), for as long as it takes. This is safe
    because the server stores one report per peer key and step: a batch sent twice is stored once (``duplicates``).
    A batch the server finds invalid (400) loses only the reports it names, each logged; the rest are sent again.
    """

    def __init__(self, server_url: str, organization_name: str, model_name: str, service_key: str, batch_size: int = MAX_BATCH,
                 flush_interval: float = 10.0, server: Optional[Server] = None):
        if not service_key or not service_key.startswith("msk_"):
            raise ValueError("service_key must be a service key of the experiment (msk_…), created by an owner in the console")
        self._server = server or Server(server_url)
        self._experiment = "/api/v1/experiments/%s/%s" % (organization_name, model_name)
        self._auth = {"Authorization": "Bearer " + service_key}
        self.batch_size, self.flush_interval = max(1, min(batch_size, MAX_BATCH)), flush_interval
        self._pending = collections.deque()  # type: Deque[dict]
        self._seen = set()  # (peer, step) already queued, so a record seen at every refresh is reported once
        self._seen_order = collections.deque()  # type: Deque[Tuple[str, int]]
        self._lock, self._send_lock, self._stop, self._thread = threading.Lock(), threading.Lock(), threading.Event(), None
        self.stored = self.duplicates = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, peer_public_key: Any, step: int, samples: int, samples_per_second: float, mini_steps: int = 0,
            loss: float = 0.0, time: Optional[float] = None) -> bool:
        """Queues one report (``peer_public_key``: the peer's ``ssh-rsa`` key, its fingerprint, or hivemind's owner subkey).
        ``loss`` is the mean loss per mini-step. False when this peer and step were queued already. Raises ValueError for a
        report the server could not read at all (a number that is not finite or does not fit its field)."""
        report = checked_report(peer_public_key, step, samples, samples_per_second, mini_steps, loss, _time.time() if time is None else time)
        peer, step = report["peer_public_key"], report["step"]
        with self._lock:
            if (peer, step) in self._seen:
                return False
            self._seen.add((peer, step))
            self._seen_order.append((peer, step))
            if len(self._seen_order) > 200000:
                self._seen.discard(self._seen_order.popleft())
            self._pending.append(report)
        return True

    def add_metrics(self, metrics: Any, time: Optional[float] = None) -> int:
        """
        Queues hivemind's ``LocalMetrics`` records as a collaborative run stores them in its DHT: the value of
        ``dht.get(run_id + "_metrics", latest=True)``, a dict from each peer's subkey to a record (or its ``.value``) with
        ``step``, ``samples_accumulated``, ``samples_per_second``, ``mini_steps`` and ``loss`` (summed over the mini-steps).
        Returns how many were new.
        """
        items = metrics.items() if isinstance(metrics, dict) else metrics
        added = 0
        for subkey, record in items:
            # Every peer writes its own record: one that is malformed (or a diverged run's NaN loss) is skipped, not the rest.
            try:
                record = getattr(record, "value", record)
                field = (lambda name: record[name]) if isinstance(record, dict) else (lambda name: getattr(record, name))
                mini_steps = int(field("mini_steps"))
                loss = float(field("loss"))
                added += self.add(subkey, int(field("step")), int(field("samples_accumulated")), float(field("samples_per_second")),
                                  mini_steps, loss / mini_steps if mini_steps > 0 else loss, time)
            except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as e:
                logger.error("Skipped a metrics record the server could not read (%s): %r", e, record)
        return added

    def flush(self, timeout: Optional[float] = None) -> Tuple[int, int]:
        """Sends everything queued; returns (stored, duplicates) so far. Raises ModerationError for a refusal that retrying
        cannot fix (a revoked key, a missing scope) or when ``timeout`` passes; the reports stay queued."""
        return self._flush(None if timeout is None else _time.monotonic() + timeout, None)

    def _flush(self, deadline: Optional[float], stop: Optional[threading.Event]) -> Tuple[int, int]:
        with self._send_lock:
            while self._pending:
                self._send([self._pending[i] for i in range(min(self.batch_size, len(self._pending)))], deadline, stop)
        return self.stored, self.duplicates

    def _send(self, batch: List[dict], deadline: Optional[float], stop: Optional[threading.Event]) -> None:
        response = self._server.send("POST", self._experiment + "/contributions", attempts=None, deadline=deadline, stop=stop,
                                     headers=self._auth, json={"reports": batch})
        if response.status_code == 200:
            answer = response.json()
            self.stored, self.duplicates = self.stored + answer["stored"], self.duplicates + answer["duplicates"]
            self._take(len(batch), [])
            return
        if response.status_code == 400:
            bad = set(_named_reports(response))
            if not bad:
                raise NonRetriableError("The server refused a batch of %d reports: %s" % (len(batch), reason_of(response)))
            for i in sorted(bad):
                logger.error("Dropped a report the server refuses (%s): %s", reason_of(response), batch[i])
            self._take(len(batch), [r for i, r in enumerate(batch) if i not in bad])
            return
        raise NonRetriableError("The server refused the reports (%s): %s" % (response.status_code, reason_of(response)))

    def _take(self, count: int, keep: List[dict]) -> None:
        """Removes the batch just answered (the queue's first ``count``: it only grows at the back), keeping ``keep`` in front."""
        with self._lock:
            for _ in range(count):
                self._pending.popleft()
            self._pending.extendleft(reversed(keep))

    def start(self) -> "ContributionReporter":
        """Flushes every ``flush_interval`` seconds in a daemon thread until ``close()``."""
        def run():
            while not self._stop.wait(self.flush_interval):
                try:
                    self._flush(None, self._stop)  # close() stops its retries at once, then sends with its own timeout
                except ModerationError as e:
                    logger.error("%s; %d reports stay queued", e, self.pending)
                except Exception:  # e.g. a proxy's page instead of the server's answer: the thread must go on
                    logger.exception("Sending reports failed; %d reports stay queued", self.pending)
        self._thread = threading.Thread(target=run, name="moderation-reporter", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout: Optional[float] = None) -> None:
        """Stops the thread and sends what is queued."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.flush(timeout)

    def register_checkpoint(self, repository: str, revision: str, step: int, loss: Optional[float],
                            created_at: Optional[datetime] = None, size_bytes: Optional[int] = None, url: Optional[str] = None) -> dict:
        """Registers a checkpoint pushed to the Hub (``checkpoints:write``); idempotent per revision."""
        body = {"repository": repository, "revision": revision, "step": int(step), "loss": loss,
                "created_at": (created_at or datetime.now(timezone.utc)).isoformat(), "size_bytes": size_bytes, "url": url}
        return self._call("POST", "/checkpoints", {k: v for k, v in body.items() if v is not None}, (200, 201))

    def publish_initial_peers(self, multiaddrs: Iterable[Any]) -> dict:
        """Publishes this peer's multiaddrs (e.g. ``dht.get_visible_maddrs()``) as initial peers of the run (``initial_peers:write``)."""
        return self._call("PUT", "/initial-peers", {"multiaddrs": [str(m) for m in multiaddrs]}, (200,))

    def _call(self, method: str, path: str, body: dict, ok: Tuple[int, ...]) -> dict:
        response = self._server.send(method, self._experiment + path, headers=self._auth, json=body)
        if response.status_code not in ok:
            raise NonRetriableError("%s %s was refused (%s): %s" % (method, path, response.status_code, reason_of(response)))
        return response.json()


def checked_report(peer_public_key: Any, step: Any, samples: Any, samples_per_second: Any, mini_steps: Any, loss: Any, time: Any) -> dict:
    """One report as the server reads it; ValueError for one it could not read (not a number, not finite, too big)."""
    try:
        report = {"peer_public_key": _peer_key(peer_public_key), "step": int(step), "samples": int(samples),
                  "samples_per_second": float(samples_per_second), "mini_steps": int(mini_steps), "loss": float(loss), "time": float(time)}
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError("not a report: %s" % e) from None
    for name, limit in (("step", _INT64), ("samples", _INT64), ("mini_steps", _INT32)):
        if abs(report[name]) > limit:
            raise ValueError("%s=%d does not fit the server's field" % (name, report[name]))
    for name in ("samples_per_second", "loss", "time"):
        if not math.isfinite(report[name]):
            raise ValueError("%s=%r is not a finite number" % (name, report[name]))
    return report


def _peer_key(key: Any) -> str:
    raw = key if isinstance(key, bytes) else str(key).encode()
    marker = _OWNER_MARKER.search(raw)
    return (marker.group(1) if marker else raw).decode().strip()


def _named_reports(response) -> List[int]:
    try:
        errors = response.json().get("errors") or {}
    except (ValueError, AttributeError):
        return []
    return sorted({int(m.group(1)) for m in (_REPORT_INDEX.match(k) for k in errors) if m})
