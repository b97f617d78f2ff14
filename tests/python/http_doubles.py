"""HTTP at the boundary, for faults the real server does not make on request: a replay server and a fault proxy."""

import http.server
import threading

import requests


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class HttpDouble:
    """Serves on a free loopback port; ``handle(method, path, headers, body)`` returns (status, headers, body) or None to
    drop the connection without an answer; a header ``CUT_SHORT`` in the answer announces more body than is sent and
    closes the connection after it (an answer cut short). Every request is recorded in ``requests`` as (method, path, headers)."""

    CUT_SHORT = "X-Double-Cut-Short"

    def __init__(self):
        double = self
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                double.requests.append((self.command, self.path, dict(self.headers)))
                answer = double.handle(self.command, self.path, dict(self.headers), body)
                if answer is None:
                    self.close_connection = True
                    return
                status, headers, content = answer
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding", HttpDouble.CUT_SHORT.lower()):
                        self.send_header(name, value)
                cut_short = HttpDouble.CUT_SHORT in headers
                self.send_header("Content-Length", str(len(content) * (2 if cut_short else 1)))
                self.end_headers()
                self.wfile.write(content)
                self.close_connection = self.close_connection or cut_short

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _any

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def handle(self, method, path, headers, body):
        raise NotImplementedError

    def close(self):
        self._server.shutdown()
        self._server.server_close()


class ReplayServer(HttpDouble):
    """Answers each path with what the test put in ``answers[path]`` (a list is served in order, its last item for ever)."""

    def __init__(self):
        self.answers = {}
        super().__init__()

    def handle(self, method, path, headers, body):
        answer = self.answers.get(path.split("?")[0], (404, {}, b""))
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        return answer


class FaultProxy(HttpDouble):
    """Forwards to ``upstream``; ``fault(method, path, body, forward)`` may return an answer of its own, call ``forward()``
    (which returns the upstream's answer) and decide what the client gets (None: the connection drops without an answer).
    An unreachable upstream is a 502, as from a balancer."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.fault = lambda method, path, body, forward: forward()
        super().__init__()

    def handle(self, method, path, headers, body):
        def forward():
            try:
                r = requests.request(method, self.upstream + path, headers={k: v for k, v in headers.items() if k.lower() != "host"},
                                     data=body, timeout=30, allow_redirects=False)
            except requests.ConnectionError:
                return 502, {"Content-Type": "text/plain"}, b"no server is available"
            return r.status_code, dict(r.headers), r.content
        return self.fault(method, path, body, forward)
