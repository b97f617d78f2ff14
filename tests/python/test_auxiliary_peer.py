"""The auxiliary peer (service key) and a peer reporting its own work; the package as the quick start installs it."""

import filecmp
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO
from http_doubles import FaultProxy, ReplayServer
from moderation_hivemind import ContributionReporter, ServerUnavailableError

PEER_ID = "QmTfeRJ2yafKRE1qpR5Ga3dJw2qTG7VPmXz5ooJ2K8AwBz"


def test_a_batch_the_server_finds_invalid_loses_only_the_reports_it_names(system, experiment, authorizer, caplog):
    key = authorizer(experiment, "carol").local_public_key.to_bytes()
    reporter = ContributionReporter(system.api_url, experiment.org, experiment.model, experiment.service_key("contributions:write"))
    now = time.time()
    for step in range(1, 6):
        reporter.add(key, step, samples=100, samples_per_second=10.0, mini_steps=2, loss=2.0, time=now - 600 + step)
    reporter.add(key, 6, samples=-5, samples_per_second=10.0, time=now)  # no peer trains negative samples
    reporter.add(key, 7, samples=100, samples_per_second=10.0, time=now + 3600)  # a clock an hour ahead
    assert reporter.flush() == (5, 0) and reporter.pending == 0
    assert experiment.contributions_total() == 5
    assert caplog.text.count("Dropped a report the server refuses") == 2


def test_a_metrics_record_the_server_could_not_read_is_skipped_and_never_holds_the_others_back(system, experiment, authorizer, caplog):
    # Every peer writes its own metrics record to the DHT: a diverged run's NaN loss, or numbers a hostile peer chose, must
    # not make the server refuse whole batches (it cannot name a report it cannot read) nor stop add_metrics halfway.
    keys = [authorizer(experiment, user).local_public_key.to_bytes() for user in ("alice", "bob", "carol")]
    reporter = ContributionReporter(system.api_url, experiment.org, experiment.model, experiment.service_key("contributions:write"))
    now = time.time() - 60

    def record(n, **changes):
        return dict({"step": n, "samples_accumulated": 100, "samples_per_second": 10.0, "mini_steps": 2, "loss": 4.0}, **changes)

    unreadable = [record(1, loss=float("nan")), record(2, samples_per_second=float("inf")), record(3, step=10 ** 20),
                  record(4, samples_accumulated=2 ** 63), record(5, mini_steps=2 ** 31), record(6, step="six"), {"step": 7}]
    metrics = [(b"[owner:" + keys[0] + b"]", r) for r in unreadable] + [(b"\xff\xfe", record(8))]
    metrics += [(b"[owner:" + key + b"]", record(9)) for key in keys]
    assert reporter.add_metrics(metrics, time=now) == 3
    assert reporter.flush(timeout=60) == (3, 0) and reporter.pending == 0
    assert experiment.contributions_total() == 3
    assert caplog.text.count("Skipped a metrics record the server could not read") == len(unreadable) + 1


def test_the_reporting_thread_outlives_an_answer_that_is_not_the_servers(system, experiment, authorizer):
    key = authorizer(experiment, "carol").local_public_key.to_bytes()
    proxy = FaultProxy(system.api_url)
    served = []

    def fault(method, path, body, forward):
        served.append(path)
        if len(served) == 1:  # a captive portal or a misconfigured proxy: 200, but not the server's JSON
            return 200, {"Content-Type": "text/html"}, b"<html>Please log in to the network</html>"
        return forward()

    proxy.fault = fault
    reporter = ContributionReporter(proxy.url, experiment.org, experiment.model, experiment.service_key("contributions:write"),
                                    flush_interval=0.05)
    try:
        reporter.add(key, 1, samples=100, samples_per_second=10.0, time=time.time() - 60)
        reporter.start()
        deadline = time.monotonic() + 60
        while reporter.pending and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reporter.pending == 0 and len(served) >= 2 and reporter._thread.is_alive()
        assert experiment.contributions_total() == 1
    finally:
        reporter.close(timeout=30)
        proxy.close()


def test_closing_the_reporter_while_the_server_is_down_ends_within_its_timeout():
    # A training script's shutdown must not hang on the reporting thread's retries (backoff up to 60 s, for ever).
    down = ReplayServer()
    path = "/api/v1/experiments/demo-org/demo-model/contributions"
    down.answers[path] = (503, {}, b"")  # no Retry-After: backoff 1, 2, 4 … s
    reporter = ContributionReporter(down.url, "demo-org", "demo-model", "msk_test", flush_interval=0.05)
    reporter.add("A" * 43, 1, samples=100, samples_per_second=10.0, time=time.time())
    reporter.start()
    deadline = time.monotonic() + 30
    while len(down.requests) < 2 and time.monotonic() < deadline:  # the thread is retrying, in its backoff
        time.sleep(0.05)
    outcome = []

    def close():
        try:
            reporter.close(timeout=2)
        except ServerUnavailableError as e:
            outcome.append(e)

    closing = threading.Thread(target=close, daemon=True)
    closing.start()
    closing.join(30)
    try:
        assert not closing.is_alive(), "close(timeout=2) still waits after 30 s"
        assert len(outcome) == 1 and reporter.pending == 1  # what could not be sent stays queued, and says so
    finally:
        down.close()


def test_a_peer_reports_its_own_work_proving_its_key_with_dpop(system, experiment, authorizer):
    peer = authorizer(experiment, "carol")
    assert peer.report_own_work(step=3, samples=640, samples_per_second=32.0, mini_steps=4, loss=2.2, time=time.time() - 30)["stored"] == 1
    assert peer.report_own_work(step=4, samples=640, samples_per_second=32.0, mini_steps=4, loss=2.1, time=time.time() - 10)["stored"] == 1
    # A diverged step's NaN loss or a counter past the server's fields is refused before anything is sent.
    with pytest.raises(ValueError, match="loss=nan is not a finite number"):
        peer.report_own_work(step=5, samples=640, samples_per_second=32.0, mini_steps=4, loss=float("nan"), time=time.time())
    with pytest.raises(ValueError, match="mini_steps=2147483648 does not fit"):
        peer.report_own_work(step=5, samples=640, samples_per_second=32.0, mini_steps=2 ** 31, loss=2.0, time=time.time())
    reports = system.call("alice", "GET", experiment.path + "/contributions")["items"]
    assert sorted((r["step"], r["username"], r["reported_by"]) for r in reports) == [(3, "carol", "peer:carol"), (4, "carol", "peer:carol")]


def test_initial_peers_published_by_the_auxiliary_peer_reach_admitted_peers_only(system, authorizer):
    experiment = system.create_experiment(policy="allowlist")
    system.call("alice", "PUT", experiment.path + "/allowlist/carol")
    typed = "/dns4/peers.example.org/tcp/31337/p2p/" + PEER_ID
    system.call("alice", "PATCH", experiment.path, json={"initial_peers": [typed]})
    published = ["/ip4/203.0.113.7/tcp/31337/p2p/" + PEER_ID, "/ip4/203.0.113.7/udp/31337/quic/p2p/" + PEER_ID]
    aux = ContributionReporter(system.api_url, experiment.org, experiment.model, experiment.service_key("initial_peers:write"))
    assert aux.publish_initial_peers(published)["initial_peers"] == [typed] + published

    assert authorizer(experiment, "carol").initial_peers == [typed] + published
    seen_by_carol = system.call("carol", "GET", experiment.path)
    assert (seen_by_carol["initial_peers"], seen_by_carol["published_initial_peers"]) == ([typed], published)
    seen_by_mallory = system.call("mallory", "GET", experiment.path)
    assert (seen_by_mallory["initial_peers"], seen_by_mallory["published_initial_peers"], seen_by_mallory["coordinator_visible"]) == ([], [], False)


def test_the_package_the_quick_start_installs_is_this_package(system, tmp_path):
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
               "--target", str(tmp_path / "site"), system.api_url + "/downloads/moderation-hivemind.zip"]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    installed, source = tmp_path / "site" / "moderation_hivemind", REPO / "src" / "moderation-hivemind" / "moderation_hivemind"
    sources = sorted(p.name for p in source.glob("*.py"))
    assert sorted(p.name for p in installed.glob("*.py")) == sources
    assert filecmp.cmpfiles(source, installed, sources, shallow=False)[0] == sources
    version = subprocess.run([sys.executable, "-c", "import moderation_hivemind as m; print(m.__version__, m.ContributionReporter.__name__)"],
                             cwd=str(tmp_path), env={"PYTHONPATH": str(tmp_path / "site")}, capture_output=True, text=True, check=True)
    assert version.stdout.split() == ["0.1.0", "ContributionReporter"]
    assert Path(tmp_path / "site").joinpath("moderation_hivemind-0.1.0.dist-info").is_dir()
