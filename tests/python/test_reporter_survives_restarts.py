"""An auxiliary peer's reports survive AuthApi restarting mid-batch: nothing lost, nothing counted twice."""

import json
import threading
import time

from http_doubles import FaultProxy
from moderation_hivemind import ContributionReporter
from moderation_hivemind.server import Server

STEPS = 150


def test_reports_survive_server_restarts_mid_batch_with_nothing_lost_and_nothing_counted_twice(system, experiment, authorizer):
    keys = [authorizer(experiment, user).local_public_key.to_bytes() for user in ("alice", "bob", "carol")]
    proxy = FaultProxy(system.api_url)
    faults, restarts = {}, []

    def restart_later():
        restarts.append(threading.Thread(target=system.start_api))
        restarts[-1].start()

    def fault(method, path, body, forward):
        batch = None
        if path.endswith("/contributions"):
            first = json.loads(body)["reports"][0]
            batch = (keys.index(first["peer_public_key"].encode()) * STEPS + first["step"] - 1) // 100
        if batch == 1 and "after commit" not in faults:  # stored, then the server dies before its answer leaves
            faults["after commit"] = forward()
            system.kill_api()
            restart_later()
            return None
        if batch == 3 and "before" not in faults:  # the server dies with the batch on its way in
            faults["before"] = True
            system.kill_api()
            restart_later()
            return None
        return forward()

    proxy.fault = fault
    reporter = ContributionReporter(proxy.url, experiment.org, experiment.model, experiment.service_key("contributions:write"),
                                    batch_size=100, server=Server(proxy.url, max_wait=2.0))
    now = time.time()
    metrics = {}
    for step in range(1, STEPS + 1):
        # hivemind's LocalMetrics as an auxiliary peer reads them from the DHT (subkey: the peer's owner marker)
        for i, key in enumerate(keys):
            metrics[(b"[owner:" + key + b"]", step)] = {"step": step, "samples_accumulated": 64 + i, "samples_per_second": 20.0 + i,
                                                        "mini_steps": 4, "loss": 10.0}
    for (subkey, step), record in metrics.items():
        assert reporter.add_metrics({subkey: record}, time=now - (STEPS - step) * 60) == 1
    assert reporter.add_metrics({subkey: record}) == 0  # seen again at the next refresh: not queued twice
    started = time.monotonic()
    stored, duplicates = reporter.flush(timeout=240)
    for thread in restarts:
        thread.join()
    print("\n%d reports in batches of 100 through two AuthApi kills (one after storing a batch, one before): %.1f s; stored %d, "
          "duplicates %d" % (len(metrics), time.monotonic() - started, stored, duplicates))

    assert set(faults) == {"after commit", "before"} and faults["after commit"][0] == 200
    # Batch 1 was stored by the server that died before answering: re-sent, it is answered as 100 duplicates, and the
    # reporter never heard "stored" for it. Every report was acknowledged once, as stored or as already there.
    assert (stored, duplicates, reporter.pending) == (len(metrics) - 100, 100, 0)
    assert experiment.contributions_total() == len(metrics)
    system.call("alice", "POST", experiment.path + "/leaderboard/refresh")
    board = system.call("alice", "GET", experiment.path + "/leaderboard?window=all&page_size=100")
    assert sum(e["claimed_samples"] for e in board["entries"]) == sum(r["samples_accumulated"] for r in metrics.values())
    proxy.close()
