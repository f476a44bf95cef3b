#!/usr/bin/env python3
"""Client for Carbon Governor's local job API (standard library only).

A training script registers itself, reports progress, asks for advice (batch size, power
state and why) and says how it finished. The daemon identifies the caller by the uid that
owns the connection, so a job can only be registered by the user who runs it.

    from carbon_governor_client import CarbonGovernorClient, CarbonGovernorError

    governor = CarbonGovernorClient()              # http://127.0.0.1:9464
    job = governor.register("resnet50-imagenet", gpus=[0, 1], batch_size=256)
    batch_size = job["advice"]["batch_size"] or 256
    ...
    governor.progress(job["id"], samples_done=n, epoch=epoch)
    governor.finish(job["id"], reached_target=True, epochs=epoch)

Every call raises CarbonGovernorError on failure; training should go on without the daemon,
so catch it (see the README's PyTorch example).

Also a command line: carbon_governor_client.py [--url URL] register|progress|advice|finish ...
prints the daemon's JSON answer, exits 0 on success and 1 with the reason on stderr otherwise.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = os.environ.get("CARBON_GOVERNOR_URL", "http://127.0.0.1:9464")


class CarbonGovernorError(Exception):
    """The daemon refused a request (status is its HTTP status) or could not be reached (0)."""

    def __init__(self, status, reason):
        super().__init__(f"{status}: {reason}" if status else reason)
        self.status = status
        self.reason = reason


class CarbonGovernorClient:
    def __init__(self, url=DEFAULT_URL, timeout=2.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def register(self, name, gpus, pid=None, batch_size=None, accepts_batch_size_changes=False):
        body = {
            "name": name,
            "pid": pid if pid is not None else os.getpid(),
            "gpus": list(gpus),
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

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            try:
                reason = json.loads(e.read().decode("utf-8")).get("error", e.reason)
            except ValueError:
                reason = e.reason
            raise CarbonGovernorError(e.code, reason) from None
        except (urllib.error.URLError, OSError) as e:
            raise CarbonGovernorError(0, f"cannot reach the daemon at {self.url}: {e}") from None


def _main(argv):
    parser = argparse.ArgumentParser(description="Carbon Governor job API client")
    parser.add_argument("--url", default=DEFAULT_URL)
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("register")
    reg.add_argument("--name", required=True)
    reg.add_argument("--gpus", required=True, help="comma-separated indices or UUIDs")
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

    client = CarbonGovernorClient(args.url)
    try:
        if args.command == "register":
            gpus = [int(g) if g.isdigit() else g for g in args.gpus.split(",")]
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
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
