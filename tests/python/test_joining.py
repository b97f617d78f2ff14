"""Joining as training scripts do: where the HF token is found, refusals with the server's reason, waiting when the server asks."""

import multiprocessing
import time

import pytest
from http_doubles import FaultProxy, ReplayServer
from moderation_hivemind import (InvalidCredentialsError, ModerationAuthorizer, NotInAllowlistError, ServerUnavailableError,
                                 authorize_with_huggingface, find_hf_token)
from moderation_hivemind.server import Server


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("HF_TOKEN", "HF_USER_ACCESS_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_the_hf_token_comes_from_the_argument_then_hf_token_then_the_file_huggingface_cli_login_wrote(clean_env, monkeypatch):
    assert find_hf_token() is None
    legacy = clean_env / ".huggingface" / "token"
    legacy.parent.mkdir()
    legacy.write_text("hf_legacy\n")
    assert find_hf_token() == "hf_legacy"
    default = clean_env / ".cache" / "huggingface" / "token"
    default.parent.mkdir(parents=True)
    default.write_text("hf_from_login\n")
    assert find_hf_token() == "hf_from_login"
    monkeypatch.setenv("XDG_CACHE_HOME", str(clean_env / "xdg"))
    (clean_env / "xdg" / "huggingface").mkdir(parents=True)
    (clean_env / "xdg" / "huggingface" / "token").write_text("hf_xdg")
    assert find_hf_token() == "hf_xdg"
    monkeypatch.setenv("HF_HOME", str(clean_env / "hf-home"))
    (clean_env / "hf-home").mkdir()
    (clean_env / "hf-home" / "token").write_text("hf_home")
    assert find_hf_token() == "hf_home"
    monkeypatch.setenv("HF_TOKEN_PATH", str(clean_env / "elsewhere"))
    (clean_env / "elsewhere").write_text("  hf_path  ")
    assert find_hf_token() == "hf_path"
    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", "hf_old_variable")
    monkeypatch.setenv("HF_USER_ACCESS_TOKEN", "hf_dalle_variable")
    assert find_hf_token() == "hf_dalle_variable"
    monkeypatch.setenv("HF_TOKEN", "hf_variable")
    assert find_hf_token() == "hf_variable"
    assert find_hf_token("hf_argument") == "hf_argument"


def test_authorize_with_huggingface_joins_with_the_token_file_as_training_scripts_call_it(system, experiment, clean_env, monkeypatch):
    (clean_env / ".cache" / "huggingface").mkdir(parents=True)
    (clean_env / ".cache" / "huggingface" / "token").write_text("hf_dev_carol\n")
    monkeypatch.setenv("HF_ORGANIZATION_NAME", experiment.org)
    monkeypatch.setenv("HF_MODEL_NAME", experiment.model)
    authorizer = authorize_with_huggingface(server_url=system.api_url)
    try:
        assert authorizer.username == "carol"
        assert authorizer.is_token_valid(authorizer._local_access_token)
    finally:
        authorizer.close()


def test_refusals_raise_huggingface_auth_exceptions_with_the_servers_reason(system):
    closed = system.create_experiment(policy="allowlist")
    with pytest.raises(NotInAllowlistError, match="mallory is not on the allowlist of"):
        ModerationAuthorizer(system.api_url, closed.org, closed.model, "hf_dev_mallory").join_experiment()
    with pytest.raises(InvalidCredentialsError, match="does not recognise this token"):
        ModerationAuthorizer(system.api_url, closed.org, closed.model, "hf_dev_nobody").join_experiment()
    with pytest.raises(NotInAllowlistError, match="no collaborative experiment"):
        ModerationAuthorizer(system.api_url, closed.org, "no-such-model", "hf_dev_carol").join_experiment()


def test_a_busy_server_is_asked_again_after_its_retry_after(system, experiment, authorizer):
    proxy = FaultProxy(system.api_url)
    busy = [(503, {"Retry-After": "2", "Content-Type": "application/problem+json"}, b'{"detail": "Hugging Face is unavailable"}'),
            (429, {"Retry-After": "1"}, b"")]

    def fault(method, path, body, forward):
        return busy.pop(0) if path.startswith("/api/experiments/join") and busy else forward()

    proxy.fault = fault
    slept = []
    peer = authorizer(experiment, "bob", join=False, server=Server(proxy.url, sleep=lambda s: (slept.append(s), time.sleep(s))))
    peer.join_experiment()
    assert peer.username == "bob" and slept == [2.0, 1.0]
    proxy.close()


def test_retry_after_as_a_date_and_its_cap_and_backoff_and_giving_up():
    replay = ReplayServer()
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    replay.answers["/x"] = [(503, {"Retry-After": when}, b""), (429, {"Retry-After": "3600"}, b""), (500, {}, b""), (200, {}, b"{}")]
    slept = []
    assert Server(replay.url, max_wait=60, sleep=slept.append).send("GET", "/x").status_code == 200
    assert 25 <= slept[0] <= 30 and slept[1] == 60 and 0.8 <= slept[2] <= 1.2
    replay.answers["/y"] = (502, {}, b"")
    with pytest.raises(ServerUnavailableError, match="502"):
        Server(replay.url, sleep=slept.append).send("GET", "/y", attempts=3)
    replay.close()


def test_a_retry_after_that_is_not_a_number_is_backed_off_as_if_absent():
    # time.sleep(nan) raises: a proxy's "Retry-After: NaN" must not end the join or the reporter's retries.
    replay = ReplayServer()
    replay.answers["/x"] = [(503, {"Retry-After": "NaN"}, b""), (429, {"Retry-After": "-inf"}, b""), (200, {}, b"{}")]
    slept = []
    assert Server(replay.url, max_wait=60, sleep=slept.append).send("GET", "/x").status_code == 200
    assert len(slept) == 2 and 0.8 <= slept[0] <= 1.2 and slept[1] == 0.0
    replay.close()


def test_an_answer_cut_short_is_asked_again_like_a_dropped_connection():
    # A balancer losing its replica mid-answer: everything the package sends is idempotent, so it is sent again.
    replay = ReplayServer()
    replay.answers["/x"] = [(200, {ReplayServer.CUT_SHORT: "1"}, b'{"stored": 1'), (200, {}, b'{"stored": 1}')]
    slept = []
    assert Server(replay.url, sleep=slept.append).send("POST", "/x", json={}).json() == {"stored": 1}
    assert len(slept) == 1 and len(replay.requests) == 2
    replay.close()


def _child_sees_the_ban(authorizer, banned, queue):
    # hivemind's DHT runs in a process forked from the training script: the polling must run there too.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if authorizer.revocations.refusal(*banned) is not None:
            queue.put(True)
            return
        time.sleep(0.1)
    queue.put(False)


def test_the_revocation_list_is_polled_in_a_forked_process_like_hiveminds_dht(experiment, authorizer):
    peer, mallory = authorizer(experiment, "alice"), authorizer(experiment, "mallory")
    token = mallory._local_access_token
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_sees_the_ban, args=(peer, (token.username, token.public_key, token.signature), queue))
    child.start()
    time.sleep(1)
    experiment.ban("mallory")
    assert queue.get(timeout=30)
    child.join()


def test_plain_http_to_another_machine_is_refused_before_any_token_is_sent(monkeypatch):
    monkeypatch.delenv("MODERATION_ALLOW_INSECURE_HTTP", raising=False)
    for url in ("http://moderation.example.org", "http://10.0.0.5:8080", "http://localhost.example.org"):
        with pytest.raises(ValueError, match="cleartext"):
            ModerationAuthorizer(url, "demo-org", "demo-model", "hf_dev_carol")
    for url in ("https://moderation.example.org", "http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000"):
        assert Server(url).url == url
    monkeypatch.setenv("MODERATION_ALLOW_INSECURE_HTTP", "1")
    assert Server("http://10.0.0.5:8080").url == "http://10.0.0.5:8080"
