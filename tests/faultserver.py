"""FaultyMirror: a real HTTP server over a folder laid out like ../shared/bls-mirror (``<host>/<path>``)
that injects faults per URL path, for extractor tests and the fault-matrix test.

It serves files like `extractors.mirror.serve_mirror` (same ETag/Last-Modified, 304 on If-None-Match /
If-Modified-Since, 404 for missing files and directories, nothing outside the root), on 127.0.0.1,
one thread per connection, HTTP/1.1 keep-alive. A URL path with a fault rule is answered per the rule.

In-process::

    from faultserver import Fault, FaultyMirror

    with FaultyMirror(root) as srv:            # root: e.g. ../shared/bls-mirror; port=0 picks a free one
        srv.url                                # "http://127.0.0.1:PORT"
        srv.www, srv.download                  # srv.url + "/www.bls.gov", srv.url + "/download.bls.gov"
        srv.set_fault("/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx", Fault(status=503, times=2))
        srv.set_fault(srv.url + "/download.bls.gov/pub/time.series/oe/*", Fault(trickle=2000))  # URL or pattern
        srv.clear_fault(path); srv.clear_faults()
        srv.requests(path)                     # requests that path received (faulted or not); srv.requests() -> dict
        srv.log                                # [Hit(method, path, status, conditional, fault, sent)], oldest first
        srv.reset_log()

As a subprocess (so a test can SIGKILL the processes around it, or the server itself)::

    python tests/faultserver.py ROOT --port-file F [--port N] [--rules RULES.json]

It writes the port to F (atomically) once it listens, and runs until SIGTERM/SIGINT. RULES.json is
re-read whenever it changes, so a test can rewrite it between two CLI runs. From Python:
``with spawn(root, rules_file=...) as srv:`` gives the same ``url``/``www``/``download``/
``requests()``/``log()``/``set_faults()`` over the control endpoints, plus ``pid`` and ``kill()``.
The raw archive keys entries by URL, so runs that must see each other's archive (conditional GET,
distrust then recovery) need the same port: keep one server across them or pass ``--port``/``port=``.
Control endpoints (never counted): ``GET /_faults/requests`` ({path: count}), ``GET /_faults/log``,
``PUT /_faults/rules`` (a rules JSON body; replaces the rules set at runtime), ``DELETE /_faults/rules``,
``POST /_faults/reset`` (clears counts and log).

Rules JSON: ``{"<URL path or fnmatch pattern>": {<Fault fields>}, ...}``; an exact path wins over a
pattern, runtime rules over file rules. Bytes are given as ``"body_text"`` (UTF-8), ``"body_b64"``
or ``"body_file"`` (relative to the rules file's folder).

Fault fields, all optional and combinable (see `Fault`):
  status, retry_after   answer that status (403, 404, 429, 503...) with Retry-After, instead of the file
  times                 apply to the first N requests of the path, then serve normally (503 twice then 200)
  body                  serve these bytes instead of the file (a drifted page, a broken workbook); a new
                        ETag and Last-Modified, as a server whose file changed
  truncate_to           serve only the first N bytes, with a matching Content-Length and the file's own
                        ETag (a short file handed out whole: only a container check can tell)
  cut_after             send N body bytes, then close the connection; ``content_length`` True (default)
                        announces the whole length (the client can tell), False sends none and
                        close-delimits the body (it cannot)
  reset_after           send N body bytes, then reset the connection (TCP RST)
  trickle               send the body at this many bytes per second
  stall                 wait this many seconds before answering
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import fnmatch
import hashlib
import io
import json
import mimetypes
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

# The mirror's own handler base, file lookup, validators and 304 rule.
from extractors.mirror import FileServingHandler, file_under, file_validators, not_modified

__all__ = ["Fault", "FaultyMirror", "Hit", "SpawnedFaultServer", "load_rules", "parse_rules", "spawn", "write_rules"]

CONTROL = "/_faults/"
_PIECES_PER_SECOND = 20  # a trickle sends this many small writes per second


@dataclass(frozen=True)
class Fault:
    status: int | None = None
    retry_after: str | None = None
    times: int | None = None
    body: bytes | None = None
    truncate_to: int | None = None
    cut_after: int | None = None
    content_length: bool = True
    reset_after: int | None = None
    trickle: float | None = None
    stall: float = 0.0

    def __post_init__(self) -> None:
        for name in ("times", "truncate_to", "cut_after", "reset_after"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"Fault.{name} must be an int >= 0, got {value!r}")
        if self.trickle is not None and self.trickle <= 0:
            raise ValueError(f"Fault.trickle must be > 0 bytes/s, got {self.trickle!r}")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"Fault.status must be an HTTP status, got {self.status!r}")
        if self.cut_after is not None and self.reset_after is not None:
            raise ValueError("Fault: cut_after and reset_after exclude each other")

    @classmethod
    def from_json(cls, data: dict[str, Any], base_dir: Path = Path(".")) -> Fault:
        data = dict(data)
        sources = [key for key in ("body_text", "body_b64", "body_file") if key in data]
        if len(sources) > 1:
            raise ValueError(f"fault rule gives the body twice ({', '.join(sources)})")
        if "body_text" in data:
            data["body"] = data.pop("body_text").encode()
        elif "body_b64" in data:
            data["body"] = base64.b64decode(data.pop("body_b64"))
        elif "body_file" in data:
            data["body"] = (base_dir / data.pop("body_file")).read_bytes()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"unknown fault field(s) {unknown}; expected some of {sorted(known)} or body_text/b64/file"
            )
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in dataclasses.asdict(self).items() if v != getattr(Fault, k, None)}
        if self.body is not None:
            data["body_b64"] = base64.b64encode(data.pop("body")).decode()
        return data

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.to_json().items() if k != "body_b64"]
        if self.body is not None:
            parts.insert(0, f"body={len(self.body)} bytes")
        return ",".join(parts)


@dataclass
class Hit:
    """One request, logged before its answer starts (so a client never sees an answer the log lacks)."""

    method: str
    path: str
    status: int
    conditional: bool  # the request carried If-None-Match or If-Modified-Since
    fault: str | None  # the fault applied, if any (Fault.describe())
    sent: int = 0  # body bytes written so far (final once the response ended or broke)


@dataclass
class _Rule:
    fault: Fault
    remaining: int | None
    created: float = field(default_factory=time.time)


class RuleTable:
    """Fault rules by path or fnmatch pattern, with `times` counted down per rule."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runtime: dict[str, _Rule] = {}
        self._from_file: dict[str, _Rule] = {}
        self._file: Path | None = None
        self._file_stamp: tuple[int, int] | None = None

    def set(self, path: str, fault: Fault) -> None:
        with self._lock:
            self._runtime[path] = _Rule(fault, fault.times)

    def clear(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._runtime.clear()
            else:
                self._runtime.pop(path, None)

    def replace(self, rules: dict[str, Fault]) -> None:
        with self._lock:
            self._runtime = {path: _Rule(fault, fault.times) for path, fault in rules.items()}

    def watch(self, rules_file: Path) -> None:
        self._file = Path(rules_file)
        self._reload_if_changed()

    def take(self, path: str) -> tuple[Fault, float] | None:
        """The fault for one request to `path` (consuming one of its `times`), with its creation time."""
        self._reload_if_changed()
        with self._lock:
            rule = _match(self._runtime, path) or _match(self._from_file, path)
            if rule is None:
                return None
            if rule.remaining is not None:
                if rule.remaining == 0:
                    return None
                rule.remaining -= 1
            return rule.fault, rule.created

    def _reload_if_changed(self) -> None:
        if self._file is None:
            return
        try:
            stat = self._file.stat()
        except FileNotFoundError:
            stamp, rules = None, {}
        else:
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._file_stamp:
                return
            rules = load_rules(self._file)
        with self._lock:
            self._from_file = {path: _Rule(fault, fault.times) for path, fault in rules.items()}
            self._file_stamp = stamp


def _match(rules: dict[str, _Rule], path: str) -> _Rule | None:
    if path in rules:
        return rules[path]
    return next((rule for pattern, rule in rules.items() if fnmatch.fnmatchcase(path, pattern)), None)


def load_rules(rules_file: Path) -> dict[str, Fault]:
    return parse_rules(json.loads(Path(rules_file).read_text()), Path(rules_file).parent)


def parse_rules(data: dict[str, Any], base_dir: Path = Path(".")) -> dict[str, Fault]:
    if not isinstance(data, dict):
        raise ValueError('fault rules must be a JSON object {"/url/path": {fault fields}}')
    return {_path_of(path): Fault.from_json(spec, base_dir) for path, spec in data.items()}


def write_rules(rules_file: Path, rules: dict[str, Fault]) -> None:
    """Write a rules file atomically (a server watching it never reads half of it)."""
    tmp = Path(rules_file).with_suffix(".tmp")
    tmp.write_text(json.dumps({path: fault.to_json() for path, fault in rules.items()}, indent=2))
    os.replace(tmp, rules_file)


def _path_of(path_or_url: str) -> str:
    parts = urlsplit(path_or_url)
    return unquote(parts.path) if parts.scheme else path_or_url


class FaultyMirror:
    """The server, in-process. Use as a context manager; see the module docstring."""

    def __init__(self, root: Path, port: int = 0, rules_file: Path | None = None) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"mirror folder {self.root} does not exist")
        self.rules = RuleTable()
        if rules_file is not None:
            self.rules.watch(rules_file)
        self._counts: Counter[str] = Counter()
        self._log: list[Hit] = []
        self._log_lock = threading.Lock()
        handler = type("FaultyHandler", (_FaultyHandler,), {"mirror": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def www(self) -> str:
        return self.url + "/www.bls.gov"

    @property
    def download(self) -> str:
        return self.url + "/download.bls.gov"

    def set_fault(self, path: str, fault: Fault) -> None:
        self.rules.set(_path_of(path), fault)

    def clear_fault(self, path: str) -> None:
        self.rules.clear(_path_of(path))

    def clear_faults(self) -> None:
        self.rules.clear()

    def requests(self, path: str | None = None) -> Any:
        with self._log_lock:
            return dict(self._counts) if path is None else self._counts[_path_of(path)]

    @property
    def log(self) -> list[Hit]:
        with self._log_lock:
            return [dataclasses.replace(hit) for hit in self._log]

    def reset_log(self) -> None:
        with self._log_lock:
            self._counts.clear()
            self._log.clear()

    def record(self, hit: Hit) -> None:  # the handler updates hit.sent under the same lock
        with self._log_lock:
            self._log.append(hit)

    def count(self, path: str) -> None:
        with self._log_lock:
            self._counts[path] += 1

    def start(self) -> FaultyMirror:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="faulty-mirror", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> FaultyMirror:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _FaultyHandler(FileServingHandler):
    mirror: FaultyMirror
    server_version = "faulty-mirror"

    def do_PUT(self) -> None:
        self._control()

    def do_POST(self) -> None:
        self._control()

    def do_DELETE(self) -> None:
        self._control()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the Hit log is the record; stderr stays quiet for subprocess use

    # ---- serving --------------------------------------------------------------

    def _serve(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(CONTROL):
            self._control()
            return
        self.mirror.count(path)
        taken = self.mirror.rules.take(path)
        fault, created = taken if taken else (None, 0.0)
        label = fault.describe() if fault else None
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        if fault and fault.stall:
            time.sleep(fault.stall)
        if fault and fault.status not in (None, 200):
            self.mirror.record(Hit(self.command, path, fault.status, conditional, label))
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send_small(fault.status, _phrase(fault.status).encode(), headers, send_body)
            return
        source = self._source(path, fault, created)
        if source is None:
            self.mirror.record(Hit(self.command, path, 404, conditional, label))
            self._send_small(404, b"", {}, send_body)
            return
        opener, size, etag, mtime = source
        if not_modified(self.headers, etag, mtime):
            self.mirror.record(Hit(self.command, path, 304, conditional, label))
            self._send_small(304, b"", {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}, False)
            return
        hit = Hit(self.command, path, 200, conditional, label)
        self.mirror.record(hit)
        self._send_file(path, opener, size, etag, mtime, fault, send_body, hit)

    def _source(self, path: str, fault: Fault | None, created: float) -> tuple[Any, int, str, float] | None:
        """(opener, size, etag, mtime) of what this request is answered with, or None for 404."""
        if fault is not None and fault.body is not None:
            body = fault.body
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            size, mtime = len(body), created

            def opener() -> BinaryIO:
                return io.BytesIO(body)
        else:
            file = file_under(self.mirror.root, path)
            if file is None:
                return None
            stat = file.stat()
            etag, _ = file_validators(stat)
            size, mtime = stat.st_size, stat.st_mtime

            def opener() -> BinaryIO:
                return file.open("rb")

        if fault is not None and fault.truncate_to is not None:
            size = min(size, fault.truncate_to)
        return opener, size, etag, mtime

    def _send_file(
        self, path: str, opener: Any, size: int, etag: str, mtime: float, fault: Fault | None, send_body: bool, hit: Hit
    ) -> None:
        announce = not (fault and fault.cut_after is not None and not fault.content_length)
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path)[0] or "application/octet-stream")
        if announce:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")  # the body ends when the connection does
            self.close_connection = True
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        self.end_headers()
        if not send_body:
            return
        limit = size
        if fault and fault.cut_after is not None:
            limit = min(limit, fault.cut_after)
        if fault and fault.reset_after is not None:
            limit = min(limit, fault.reset_after)
        with opener() as source:
            self._write_body(source, limit, fault.trickle if fault else None, hit)
        if fault and fault.reset_after is not None and hit.sent < size:
            self._reset_connection()
        elif hit.sent < size:
            self.close_connection = True  # FIN after a short body

    def _write_body(self, source: BinaryIO, limit: int, trickle: float | None, hit: Hit) -> None:
        piece = max(1, int(trickle / _PIECES_PER_SECOND)) if trickle else 1 << 20
        try:
            while hit.sent < limit:
                data = source.read(min(piece, limit - hit.sent))
                if not data:
                    break
                self.wfile.write(data)
                with self.mirror._log_lock:
                    hit.sent += len(data)
                if trickle:
                    time.sleep(len(data) / trickle)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a deadline, a timeout)

    def _reset_connection(self) -> None:
        time.sleep(0.05)  # let the bytes already written leave before the RST discards the send buffer
        sock = socket.socket(fileno=self.connection.detach())
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # linger 0: the kernel answers with RST, not FIN
        self.close_connection = True

    def _send_small(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)

    # ---- control endpoints ------------------------------------------------------

    def _control(self) -> None:
        action = (self.command, unquote(urlsplit(self.path).path).removeprefix(CONTROL))
        try:
            if action == ("GET", "requests"):
                reply: Any = self.mirror.requests()
            elif action == ("GET", "log"):
                reply = [dataclasses.asdict(hit) for hit in self.mirror.log]
            elif action == ("PUT", "rules"):
                length = int(self.headers.get("Content-Length", "0"))
                self.mirror.rules.replace(parse_rules(json.loads(self.rfile.read(length) or b"{}")))
                reply = {"ok": True}
            elif action == ("DELETE", "rules"):
                self.mirror.rules.clear()
                reply = {"ok": True}
            elif action == ("POST", "reset"):
                self.mirror.reset_log()
                reply = {"ok": True}
            else:
                self._send_small(404, b"unknown control endpoint", {}, True)
                return
        except (ValueError, TypeError) as exc:
            self._send_small(400, str(exc).encode(), {}, True)
            return
        self._send_small(200, json.dumps(reply).encode(), {"Content-Type": "application/json"}, True)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"status {status}"


# ---- as a subprocess ----------------------------------------------------------------------------


class SpawnedFaultServer:
    """A faultserver running as a child process; the same reading API as FaultyMirror, over HTTP."""

    def __init__(self, process: subprocess.Popen, port: int) -> None:
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.www = self.url + "/www.bls.gov"
        self.download = self.url + "/download.bls.gov"

    @property
    def pid(self) -> int:
        return self.process.pid

    def _call(self, method: str, endpoint: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url + CONTROL + endpoint, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())

    def requests(self, path: str | None = None) -> Any:
        counts = self._call("GET", "requests")
        return counts if path is None else counts.get(_path_of(path), 0)

    def log(self) -> list[Hit]:
        return [Hit(**hit) for hit in self._call("GET", "log")]

    def set_faults(self, rules: dict[str, Fault]) -> None:
        self._call("PUT", "rules", {path: fault.to_json() for path, fault in rules.items()})

    def clear_faults(self) -> None:
        self._call("DELETE", "rules")

    def reset_log(self) -> None:
        self._call("POST", "reset", {})

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> SpawnedFaultServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def spawn(
    root: Path, port_file: Path | None = None, rules_file: Path | None = None, port: int = 0, timeout: float = 20.0
) -> SpawnedFaultServer:
    """Start `python tests/faultserver.py` as a child process and wait until it listens."""
    port_file = Path(
        port_file or Path(os.environ.get("TMPDIR", "/tmp")) / f"faultserver-{os.getpid()}-{time.time_ns()}"
    )
    port_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), str(root), "--port-file", str(port_file)]
    command += ["--port", str(port)] + (["--rules", str(rules_file)] if rules_file else [])
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    give_up = time.monotonic() + timeout
    while not port_file.exists():
        if process.poll() is not None:
            raise RuntimeError(f"faultserver exited with {process.returncode} before listening: {command}")
        if time.monotonic() > give_up:
            process.kill()
            raise TimeoutError(f"faultserver did not write {port_file} within {timeout} s")
        time.sleep(0.02)
    return SpawnedFaultServer(process, int(port_file.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local mirror of bls.gov that injects faults per URL path.")
    parser.add_argument("root", type=Path, help="a folder laid out like bls-mirror/ (<host>/<path>)")
    parser.add_argument("--port-file", type=Path, required=True, help="written with the port once listening")
    parser.add_argument("--port", type=int, default=0, help="0 (default): any free port")
    parser.add_argument("--rules", type=Path, help="fault rules JSON, re-read whenever it changes")
    args = parser.parse_args(argv)
    server = FaultyMirror(args.root, port=args.port, rules_file=args.rules)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    tmp = args.port_file.with_name(args.port_file.name + ".tmp")
    tmp.write_text(str(server.port))
    os.replace(tmp, args.port_file)
    print(f"faultserver: serving {server.root} on {server.url}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
