#!/usr/bin/env python3
"""Client for Carbon Governor's local job API (standard library only).

A training script registers itself, reports progress, asks for advice (batch size, power
state and why) and says how it finished. The daemon identifies the caller by the uid that
owns the connection (the kernel's peer credentials on the Unix socket), so a job can only be
registered by the user who runs it.

    from carbon_governor_client import CarbonGovernorClient, CarbonGovernorError

    governor = CarbonGovernorClient()              # the Unix socket /run/carbon-governor/api.sock
    job = governor.register("resnet50-imagenet", gpus=[0, 1], batch_size=256)
    batch_size = job["advice"]["batch_size"] or 256
    ...
    governor.progress(job["id"], samples_done=n, epoch=epoch)
    governor.finish(job["id"], reached_target=True, epochs=epoch)

Where the daemon listens: the Unix socket by default (socket_path=, else $CARBON_GOVERNOR_SOCKET,
else /run/carbon-governor/api.sock); loopback TCP when given url= (or $CARBON_GOVERNOR_URL and no
socket is named), e.g. "http://127.0.0.1:9464".

GPUs are the job's own: indices as the job sees them (under CUDA_VISIBLE_DEVICES=2,3 the job's
GPU 0 is the machine's GPU 2) or UUIDs ("GPU-..."). The client maps indices through
CUDA_VISIBLE_DEVICES, whose entries may be indices or UUIDs, before it sends them.

Every call raises CarbonGovernorError on failure; training should go on without the daemon,
so catch it (see the PyTorch example in docs/job-api-and-clients.md).

Also a command line:
    carbon_governor_client.py [--socket PATH | --url URL] register|progress|advice|finish|status ...
prints the daemon's JSON answer, exits 0 on success and 1 with the reason on stderr otherwise.
"""

import argparse
import http.client
import json
import os
import socket
import sys
import urllib.parse

DEFAULT_SOCKET = "/run/carbon-governor/api.sock"


class CarbonGovernorError(Exception):
    """The daemon refused a request (status is its HTTP status) or could not be reached (0)."""

    def __init__(self, status, reason):
        super().__init__(f"{status}: {reason}" if status else reason)
        self.status = status
        self.reason = reason


class _UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a Unix stream socket."""

    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def visible_gpus(gpus, cuda_visible_devices=None):
    """The machine's GPUs behind the job's own references.

    Indices are positions in CUDA_VISIBLE_DEVICES when it is set (its entries are machine
    indices or UUIDs); UUIDs and every reference without CUDA_VISIBLE_DEVICES stay as they are.
    Raises CarbonGovernorError for an index the job cannot see.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES") if cuda_visible_devices is None else cuda_visible_devices
    entries = None
    if visible is not None:
        entries = []
        for entry in visible.split(","):
            entry = entry.strip()
            # CUDA stops at the first entry it cannot use; so do we.
            if entry.isdigit():
                entries.append(int(entry))
            elif entry.startswith(("GPU-", "MIG-")):
                entries.append(entry)
            else:
                break
    mapped = []
    for gpu in gpus:
        ref = int(gpu) if isinstance(gpu, str) and gpu.isdigit() else gpu
        if isinstance(ref, int) and entries is not None:
            if not 0 <= ref < len(entries):
                raise CarbonGovernorError(
                    0, f"GPU {ref} is not visible: CUDA_VISIBLE_DEVICES={visible!r} shows {len(entries)} GPU(s)")
            ref = entries[ref]
        mapped.append(ref)
    return mapped


class CarbonGovernorClient:
    def __init__(self, url=None, timeout=2.0, socket_path=None):
        """Talks to the daemon over the Unix socket, or over TCP when a url is given."""
        if url is None and socket_path is None:
            socket_path = os.environ.get("CARBON_GOVERNOR_SOCKET")
            if socket_path is None:
                url = os.environ.get("CARBON_GOVERNOR_URL")
        if url is not None:
            parsed = urllib.parse.urlsplit(url)
            if parsed.scheme != "http" or not parsed.hostname:
                raise ValueError(f"expected a url like http://127.0.0.1:9464, got {url!r}")
            self.url = url.rstrip("/")
            self.socket_path = None
            self._host = parsed.hostname
            self._port = parsed.port or 80
        else:
            self.socket_path = socket_path or DEFAULT_SOCKET
            self.url = None
        self.timeout = timeout

    def register(self, name, gpus, pid=None, batch_size=None, accepts_batch_size_changes=False):
        body = {
            "name": name,
            "pid": pid if pid is not None else os.getpid(),
            "gpus": visible_gpus(list(gpus)),
            "accepts_batch_size_changes": bool(accepts_batch_size_changes),
        }
        if batch_size is not None:
            body["batch_size"] = int(batch_size)
        return self._call("POST", "/v1/jobs", body)

    def progress(self, job_id, samples_done=None, iterations_done=None, epoch=None, metric=None):
        body = {}
        if samples_done is not None:
            body["samples_done"] = int(samples_done)
        if iterations_done is not None:
            body["iterations_done"] = int(iterations_done)
        if epoch is not None:
            body["epoch"] = int(epoch)
        if metric is not None:
            name, value = metric
            body["metric"] = {"name": name, "value": float(value)}
        return self._call("POST", f"/v1/jobs/{job_id}/progress", body)

    def advice(self, job_id):
        return self._call("GET", f"/v1/jobs/{job_id}/advice")

    def finish(self, job_id, reached_target, epochs=None):
        body = {"reached_target": bool(reached_target)}
        if epochs is not None:
            body["epochs"] = int(epochs)
        return self._call("POST", f"/v1/jobs/{job_id}/finish", body)

    def status(self):
        return self._call("GET", "/v1/status")

    def _where(self):
        return f"unix:{self.socket_path}" if self.socket_path else self.url

    def _connection(self):
        if self.socket_path:
            return _UnixConnection(self.socket_path, self.timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        connection = self._connection()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
        except (OSError, http.client.HTTPException) as e:
            raise CarbonGovernorError(0, f"cannot reach the daemon at {self._where()}: {e}") from None
        finally:
            connection.close()
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if 200 <= response.status < 300 and isinstance(answer, dict):
            return answer
        reason = answer.get("error") if isinstance(answer, dict) else None
        raise CarbonGovernorError(response.status, reason or response.reason)


def _main(argv):
    parser = argparse.ArgumentParser(description="Carbon Governor job API client")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--socket", help=f"the daemon's Unix socket (default $CARBON_GOVERNOR_SOCKET or {DEFAULT_SOCKET})")
    where.add_argument("--url", help="the daemon's loopback TCP address instead, e.g. http://127.0.0.1:9464")
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("register")
    reg.add_argument("--name", required=True)
    reg.add_argument("--gpus", required=True,
                     help="comma-separated indices (as the job sees them, through CUDA_VISIBLE_DEVICES) or UUIDs")
    reg.add_argument("--pid", type=int)
    reg.add_argument("--batch-size", type=int)
    reg.add_argument("--accepts-batch-size-changes", action="store_true")
    prog = sub.add_parser("progress")
    prog.add_argument("job")
    prog.add_argument("--samples-done", type=int)
    prog.add_argument("--iterations-done", type=int)
    prog.add_argument("--epoch", type=int)
    adv = sub.add_parser("advice")
    adv.add_argument("job")
    fin = sub.add_parser("finish")
    fin.add_argument("job")
    fin.add_argument("--reached-target", action="store_true")
    fin.add_argument("--epochs", type=int)
    sub.add_parser("status")
    args = parser.parse_args(argv)

    try:
        client = CarbonGovernorClient(url=args.url, socket_path=args.socket)
        if args.command == "register":
            gpus = [int(g) if g.strip().isdigit() else g.strip() for g in args.gpus.split(",")]
            out = client.register(args.name, gpus, args.pid, args.batch_size,
                                  args.accepts_batch_size_changes)
        elif args.command == "progress":
            out = client.progress(args.job, args.samples_done, args.iterations_done, args.epoch)
        elif args.command == "advice":
            out = client.advice(args.job)
        elif args.command == "finish":
            out = client.finish(args.job, args.reached_target, args.epochs)
        else:
            out = client.status()
    except CarbonGovernorError as e:
        print(json.dumps({"status": e.status, "error": e.reason}), file=sys.stderr)
        return 1
    except ValueError as e:
        print(json.dumps({"status": 0, "error": str(e)}), file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
