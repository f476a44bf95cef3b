"""The job API over HTTP/1.1: the daemon's Unix socket by default, loopback TCP on request.

Standard library only. The daemon identifies the caller by the uid that owns the connection (the
kernel's peer credentials on the Unix socket), so a job can only be registered by the user who
runs it.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.parse
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from .gpus import GpuMappingError, GpuRef, machine_gpus

DEFAULT_SOCKET = "/run/carbon-governor/api.sock"

#: A daemon's JSON answer, as parsed.
Answer = Dict[str, Any]


class CarbonGovernorError(Exception):
    """The daemon refused a request (``status`` is its HTTP status) or could not be reached (0)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}" if status else reason)
        self.status = status
        self.reason = reason


class _UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a Unix stream socket."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.unix_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class CarbonGovernorClient:
    """One method per endpoint; each returns the daemon's JSON answer or raises CarbonGovernorError.

    Where the daemon listens: the Unix socket by default (``socket_path``, else
    ``$CARBON_GOVERNOR_SOCKET``, else /run/carbon-governor/api.sock); loopback TCP when given
    ``url`` (or ``$CARBON_GOVERNOR_URL`` and no socket is named), e.g. "http://127.0.0.1:9464".
    """

    def __init__(self, url: Optional[str] = None, timeout: float = 2.0, socket_path: Optional[str] = None) -> None:
        if url is None and socket_path is None:
            socket_path = os.environ.get("CARBON_GOVERNOR_SOCKET")
            if socket_path is None:
                url = os.environ.get("CARBON_GOVERNOR_URL")
        self.url: Optional[str] = None
        self.socket_path: Optional[str] = None
        self._host = ""
        self._port = 0
        if url is not None:
            parsed = urllib.parse.urlsplit(url)
            if parsed.scheme != "http" or not parsed.hostname:
                raise ValueError(f"expected a url like http://127.0.0.1:9464, got {url!r}")
            self.url = url.rstrip("/")
            self._host = parsed.hostname
            self._port = parsed.port or 80
        else:
            self.socket_path = socket_path or DEFAULT_SOCKET
        self.timeout = timeout

    def register(
        self,
        name: str,
        gpus: Iterable[GpuRef],
        pid: Optional[int] = None,
        batch_size: Optional[int] = None,
        accepts_batch_size_changes: bool = False,
    ) -> Answer:
        """Registers a process (this one by default) as a job on the given GPUs.

        GPUs are the job's own: indices as the job sees them, sent as the UUID PyTorch reports
        for the device or mapped through CUDA_VISIBLE_DEVICES (see ``gpus.machine_gpus``), or
        UUIDs.
        """
        try:
            mapped = machine_gpus(list(gpus))
        except GpuMappingError as e:
            raise CarbonGovernorError(0, str(e)) from None
        body: Dict[str, Any] = {
            "name": name,
            "pid": pid if pid is not None else os.getpid(),
            "gpus": mapped,
            "accepts_batch_size_changes": bool(accepts_batch_size_changes),
        }
        if batch_size is not None:
            body["batch_size"] = int(batch_size)
        return self._call("POST", "/v1/jobs", body)

    def progress(
        self,
        job_id: str,
        samples_done: Optional[int] = None,
        iterations_done: Optional[int] = None,
        epoch: Optional[int] = None,
        metric: Optional[Tuple[str, float]] = None,
    ) -> Answer:
        """Reports work done so far (exactly one of samples_done or iterations_done, never going back)."""
        body: Dict[str, Any] = {}
        if samples_done is not None:
            body["samples_done"] = int(samples_done)
        if iterations_done is not None:
            body["iterations_done"] = int(iterations_done)
        if epoch is not None:
            body["epoch"] = int(epoch)
        if metric is not None:
            name, value = metric
            body["metric"] = {"name": str(name), "value": float(value)}
        return self._call("POST", f"/v1/jobs/{job_id}/progress", body)

    def advice(self, job_id: str) -> Answer:
        return self._call("GET", f"/v1/jobs/{job_id}/advice")

    def finish(self, job_id: str, reached_target: bool, epochs: Optional[int] = None) -> Answer:
        body: Dict[str, Any] = {"reached_target": bool(reached_target)}
        if epochs is not None:
            body["epochs"] = int(epochs)
        return self._call("POST", f"/v1/jobs/{job_id}/finish", body)

    def jobs(self) -> List[Answer]:
        """The caller's registered jobs (every job, for root)."""
        jobs = self._call("GET", "/v1/jobs").get("jobs")
        if not isinstance(jobs, list):
            raise CarbonGovernorError(0, "the daemon's job list has no 'jobs' array")
        return jobs

    def status(self) -> Answer:
        return self._call("GET", "/v1/status")

    def where(self) -> str:
        """Where this client talks to the daemon, for messages."""
        return f"unix:{self.socket_path}" if self.socket_path else str(self.url)

    def _connection(self) -> http.client.HTTPConnection:
        if self.socket_path:
            return _UnixConnection(self.socket_path, self.timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Answer:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        connection = self._connection()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as e:
            raise CarbonGovernorError(0, f"cannot reach the daemon at {self.where()}: {e}") from None
        finally:
            connection.close()
        answer: Union[Answer, None]
        try:
            parsed = json.loads(text)
            answer = parsed if isinstance(parsed, dict) else None
        except ValueError:
            answer = None
        if 200 <= response.status < 300 and answer is not None:
            return answer
        reason = answer.get("error") if answer is not None else None
        raise CarbonGovernorError(response.status, str(reason) if reason else response.reason)
