"""
The revocation list a peer keeps: only lists the experiment signed are believed, never an older one, and the stale-list
policy. Signed documents come from the real server; a replay server at the HTTP boundary serves them (and forgeries).
"""

import json
import logging

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_doubles import ReplayServer
from moderation_hivemind.dpop import openssh_public_key
from moderation_hivemind.jose import ExperimentKeys, b64url, b64url_decode
from moderation_hivemind.revocations import RevocationWatcher
from moderation_hivemind.server import Server

MALLORY, BOB = ("mallory", b"", b""), ("bob", b"", b"")


def fetch(system, experiment, what):
    response = requests.get(system.api_url + experiment.path + "/" + what, timeout=10)
    assert response.status_code == 200, response.text
    return response


@pytest.fixture
def signed(system, experiment):
    """The experiment's JWKS and two lists it signed: before and after the ban of mallory, whose peer holds a token (a
    banned account without live tokens is not listed: there is nothing of it to refuse)."""
    key = openssh_public_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    system.call("mallory", "PUT", "/api/experiments/join?organization_name=%s&model_name=%s" % (experiment.org, experiment.model),
                json={"experiment_join_input": {"peer_public_key": key}})
    before = fetch(system, experiment, "revocations")
    experiment.ban("mallory")
    after = fetch(system, experiment, "revocations")
    return fetch(system, experiment, "jwks").content, before, after


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def replay(experiment):
    server = ReplayServer()
    yield server
    server.close()


def watcher(replay, experiment, **options):
    server = Server(replay.url)
    made = RevocationWatcher(server, experiment.org, experiment.model, ExperimentKeys(server, experiment.path + "/jwks"), **options)
    made.close()  # no background thread: each test calls refresh() itself
    return made


def serve(replay, experiment, jwks, list_answer):
    replay.answers[experiment.path + "/jwks"] = (200, {"Content-Type": "application/jwk-set+json"}, jwks)
    replay.answers[experiment.path + "/revocations"] = list_answer


def answer(response):
    return 200, {"Content-Type": "application/jose", "ETag": response.headers["ETag"]}, response.content


def resigned(jws, payload=None, header=None, key=None):
    """The document with its header or payload changed, signed with ``key`` (PS256), or keeping its old signature."""
    h, p, s = jws.split(".")
    h = b64url(json.dumps(dict(json.loads(b64url_decode(h)), **(header or {}))).encode())
    p = b64url(json.dumps(dict(json.loads(b64url_decode(p)), **(payload or {}))).encode())
    if key is not None:
        s = b64url(key.sign((h + "." + p).encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()))
    return (200, {"Content-Type": "application/jose"}, (h + "." + p + "." + s).encode())


def test_only_lists_signed_by_the_experiment_are_believed(system, experiment, signed, replay, caplog):
    jwks, _, banned = signed
    list_jws = banned.text
    version = json.loads(b64url_decode(list_jws.split(".")[1]))["version"]
    w = watcher(replay, experiment)
    serve(replay, experiment, jwks, answer(banned))
    assert w.refresh() and w.refusal(*MALLORY) is not None and w.refusal(*BOB) is None

    other = system.create_experiment()
    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forgeries = {
        "a payload changed under the experiment's signature": resigned(list_jws, {"version": version + 1, "banned_usernames": []}),
        "signed by another key under the experiment's kid": resigned(list_jws, {"version": version + 1, "banned_usernames": []}, key=foreign_key),
        "alg none, no signature": (200, {}, (resigned(list_jws, {"version": version + 1, "banned_usernames": []}, {"alg": "none"})[2]
                                             .rsplit(b".", 1)[0] + b".")),
        "HS256 keyed with the public key": resigned(list_jws, {"version": version + 1}, {"alg": "HS256"}),
        "unsigned JSON": (200, {}, json.dumps({"experiment": experiment.org + "/" + experiment.model, "version": version + 1,
                                               "banned_usernames": []}).encode()),
    }
    for name, forged in forgeries.items():
        serve(replay, experiment, jwks, forged)
        assert not w.refresh(), name
        assert w.current.version == version and w.refusal(*MALLORY) is not None, name

    # The experiment's own signature on another kind of document, or on another experiment's list, does not do either.
    registered = experiment.service_key("checkpoints:write")
    system.call(registered, "POST", experiment.path + "/checkpoints", json={
        "step": 1, "repository": experiment.org + "/" + experiment.model, "revision": "ab" * 20, "loss": 1.0, "created_at": "2026-01-01T00:00:00Z"})
    serve(replay, experiment, jwks, answer(fetch(system, experiment, "checkpoints/current")))
    assert not w.refresh() and w.current.version == version
    assert w.refusal(*MALLORY) is not None
    fresh = watcher(replay, experiment)  # one that trusts whatever keys are published where the experiment's should be
    serve(replay, experiment, fetch(system, other, "jwks").content, answer(fetch(system, other, "revocations")))
    assert not fresh.refresh() and fresh.current is None
    assert "is for '%s/%s'" % (other.org, other.model) in caplog.text
    assert "not signed by the experiment" in caplog.text


def test_an_older_list_never_replaces_a_newer_one(experiment, signed, replay):
    jwks, before, after = signed
    w = watcher(replay, experiment)
    serve(replay, experiment, jwks, answer(after))
    w.refresh()
    serve(replay, experiment, jwks, answer(before))  # a replica that has not caught up, or a replay
    assert not w.refresh()
    assert w.refusal(*MALLORY) is not None
    assert replay.requests[-1][2].get("If-None-Match") == after.headers["ETag"]  # conditional, with the newest list's ETag


def test_keys_answered_with_a_proxys_page_are_a_failure_to_fetch_not_an_exception(experiment, signed, replay, caplog):
    # refresh() runs in the join and in the polling thread; it "never raises: failures are logged".
    jwks, _, banned = signed
    w = watcher(replay, experiment)
    serve(replay, experiment, jwks, answer(banned))
    replay.answers[experiment.path + "/jwks"] = (200, {"Content-Type": "text/html"}, b"<html>Please log in to the network</html>")
    assert not w.refresh() and w.current is None
    assert "public keys" in caplog.text and "keeping the last verified list" in caplog.text


def test_a_list_that_cannot_be_fetched_is_kept_and_enforced_and_its_age_is_logged(experiment, signed, replay, caplog):
    jwks, _, banned = signed
    clock = Clock()
    w = watcher(replay, experiment, stale_after=30.0, clock=clock)
    serve(replay, experiment, jwks, answer(banned))
    w.refresh()
    caplog.set_level(logging.WARNING)
    serve(replay, experiment, jwks, (503, {"Retry-After": "5"}, b""))
    clock.now += 31
    assert not w.refresh()
    assert "keeping the last verified list" in caplog.text
    assert w.refusal(*MALLORY) is not None and w.refusal(*BOB) is None  # still enforced; others still accepted
    assert "stale" in caplog.text


def test_a_run_that_asks_for_it_refuses_everyone_once_the_list_is_too_old_and_recovers(experiment, signed, replay):
    jwks, _, banned = signed
    clock = Clock()
    w = watcher(replay, experiment, stale_after=30.0, refuse_when_stale_after=120.0, clock=clock)
    serve(replay, experiment, jwks, answer(banned))
    w.refresh()
    replay.answers[experiment.path + "/revocations"] = (502, {}, b"")
    clock.now += 100
    w.refresh()
    assert w.refusal(*BOB) is None
    clock.now += 21
    w.refresh()
    assert "old" in w.refusal(*BOB)
    serve(replay, experiment, jwks, (304, {"ETag": banned.headers["ETag"]}, b""))
    w.refresh()
    assert w.refusal(*BOB) is None and w.refusal(*MALLORY) is not None


def test_every_entry_kind_refuses_and_names_are_compared_without_regard_to_case():
    from moderation_hivemind.jose import hivemind_token_id, ssh_key_fingerprint
    from moderation_hivemind.revocations import RevocationList
    from hivemind.utils.crypto import RSAPrivateKey
    revoked_key, other_key = RSAPrivateKey().get_public_key().to_bytes(), RSAPrivateKey().get_public_key().to_bytes()
    listed = RevocationList.from_payload({"experiment": "o/m", "version": 7, "issued_at": 1, "banned_usernames": ["Mallory"],
                                          "revoked_peer_keys": [ssh_key_fingerprint(revoked_key)],
                                          "revoked_token_ids": [hivemind_token_id(b"c2lnbmF0dXJl")]}, "o/m")
    assert "banned" in listed.refusal("mALLORY", other_key, b"x")
    assert "peer key" in listed.refusal("carol", revoked_key, b"x")
    assert "token" in listed.refusal("carol", other_key, b"c2lnbmF0dXJl")
    assert listed.refusal("carol", other_key, b"x") is None
    with pytest.raises(Exception, match="is for"):
        RevocationList.from_payload({"experiment": "o/other", "version": 7, "issued_at": 1, "banned_usernames": [],
                                     "revoked_peer_keys": [], "revoked_token_ids": []}, "o/m")
