"""
The system the Python tests run against, started once per session: a throwaway PostgreSQL cluster (deploy/pg-local.sh),
the Hub emulator and AuthApi from the Release build (deploy/test.sh builds first), on free loopback ports. The package is
imported from src/moderation-hivemind and hivemind from the stand-in in hivemind_standin/ (see its docstring).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "src" / "moderation-hivemind"), str(Path(__file__).parent / "hivemind_standin"), str(Path(__file__).parent)]

API_DLL = REPO / "src/AuthApi/bin/Release/net10.0/Moderation.AuthApi.dll"
HUB_DLL = REPO / "tests/HubEmulator/bin/Release/net10.0/Moderation.HubEmulator.dll"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class System:
    """PostgreSQL, the Hub emulator and AuthApi; ``restart_api`` kills AuthApi (SIGKILL) and starts it again on the same port."""

    def __init__(self):
        for dll in (API_DLL, HUB_DLL):
            if not dll.exists():
                pytest.exit("%s is missing: build first (dotnet build Moderation.sln -c Release, or deploy/test.sh)" % dll, returncode=2)
        self.dir = Path(tempfile.mkdtemp(prefix="moderation-pytest-"))
        os.chmod(self.dir, 0o755)  # PostgreSQL runs as its own user when we are root
        self.pg_port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.hub_url, self.api_url = "http://127.0.0.1:%d" % self.hub_port, "http://127.0.0.1:%d" % self.api_port
        self._processes = {}

    def start(self) -> "System":
        self._pg("pg_up")
        self._start("hub", HUB_DLL, self.hub_port, {})
        self._wait("hub", self.hub_url + "/.well-known/openid-configuration")
        self.start_api()
        return self

    def start_api(self) -> None:
        self._start("api", API_DLL, self.api_port, {
            "ConnectionStrings__Moderation": "Host=127.0.0.1;Port=%d;Database=moderation;Username=moderation" % self.pg_port,
            "HuggingFace__BaseUrl": self.hub_url, "Hangfire__SchedulePollingIntervalSeconds": "1"})
        self._wait("api", self.api_url + "/readyz")

    def kill_api(self) -> None:
        process = self._processes.pop("api")
        process.send_signal(signal.SIGKILL)
        process.wait()

    def restart_api(self) -> None:
        self.kill_api()
        self.start_api()

    def stop(self) -> None:
        for process in self._processes.values():
            process.terminate()
        for process in self._processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        self._pg("pg_down")
        shutil.rmtree(self.dir, ignore_errors=True)

    def _pg(self, command: str) -> None:
        script = '. "$1/deploy/pg-local.sh" && %s "$2" "$3"' % command
        subprocess.run(["bash", "-c", script, "pg", str(REPO), str(self.dir / "pg"), str(self.pg_port)], check=True, stdout=subprocess.DEVNULL)

    def _start(self, name, dll, port, env) -> None:
        log = open(self.dir / (name + ".log"), "ab")
        self._processes[name] = subprocess.Popen(
            ["dotnet", str(dll), "--urls", "http://127.0.0.1:%d" % port], cwd=str(dll.parent), stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, ASPNETCORE_ENVIRONMENT="Development", DOTNET_NOLOGO="1", **env))

    def _wait(self, name, url) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._processes[name].poll() is not None:
                break
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("%s did not come up; its log:\n%s" % (name, (self.dir / (name + ".log")).read_text()[-4000:]))

    # --- the API as people use it ---------------------------------------------------------------------------------

    def client(self, user: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = "Bearer " + (user if user.startswith(("hf_", "msk_")) else "hf_dev_" + user)
        return session

    def call(self, user, method, path, expected=(200, 201, 204), **kwargs):
        response = self.client(user).request(method, self.api_url + path, timeout=30, **kwargs)
        assert response.status_code in expected, "%s %s as %s: %s %s" % (method, path, user, response.status_code, response.text)
        return response.json() if response.content else None

    def create_experiment(self, policy="open", **settings) -> "Experiment":
        model = "py-" + uuid.uuid4().hex[:10]
        self.call("alice", "POST", "/api/v1/experiments", json=dict({"organization_name": "demo-org", "model_name": model, "access_policy": policy}, **settings))
        return Experiment(self, "demo-org", model)


class Experiment:
    def __init__(self, system: System, org: str, model: str):
        self.system, self.org, self.model = system, org, model
        self.path = "/api/v1/experiments/%s/%s" % (org, model)

    def ban(self, username: str, reason: str = "sent bad gradients"):
        return self.system.call("alice", "POST", self.path + "/bans", json={"username": username, "reason": reason})

    def service_key(self, *scopes: str) -> str:
        return self.system.call("alice", "POST", self.path + "/service-keys", json={"name": "aux", "scopes": list(scopes)})["secret"]

    def contributions_total(self) -> int:
        return self.system.call("alice", "GET", self.path + "/contributions?page_size=1")["total"]


@pytest.fixture(scope="session")
def system():
    started = System()
    try:
        yield started.start()
    finally:
        started.stop()


@pytest.fixture
def experiment(system) -> Experiment:
    return system.create_experiment()


@pytest.fixture
def authorizer(system):
    """``authorizer(experiment, user, **options)``: a ModerationAuthorizer with a key of its own, joined; closed after the test."""
    from hivemind.utils.crypto import RSAPrivateKey
    from moderation_hivemind import ModerationAuthorizer
    made = []

    def make(experiment, user, join=True, **options):
        options.setdefault("local_private_key", RSAPrivateKey())
        made.append(ModerationAuthorizer(system.api_url, experiment.org, experiment.model, "hf_dev_" + user, **options))
        if join:
            made[-1].join_experiment()
        return made[-1]

    yield make
    for authorizer in made:
        authorizer.close()
