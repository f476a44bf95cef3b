"""A stand-in for a training run in the demo, for DemoProcessIT: it registers itself on GPU 3
through the carbon_governor package's context manager, as a training script would, and trains
nothing.

The test starts it with CARBON_GOVERNOR_SIMULATED_GPUS=3, so that the demo's simulated GPU 3
lists it as a compute process, as NVML lists a CUDA process. Arguments: the daemon's socket and
the longest wait in seconds (a bound on a hang, never a timing). Prints one JSON line when
registered, one when the daemon has seen it on its GPU, then waits for its standard input to
close and prints one when finished.
"""

import json
import sys
import time
from typing import Any, Callable, Optional

import carbon_governor


def say(what: str, answer: Any) -> None:
    print(json.dumps({what: answer}), flush=True)


def wait_for(what: str, check: Callable[[], Optional[Any]], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)  # polling the daemon, not timing the run
    raise SystemExit(f"the daemon did not {what} within {seconds:.0f} s")


def running(job: carbon_governor.Job) -> Optional[Any]:
    advice = job.advice()
    if advice is not None and any(c["state"] == "running" for c in advice.get("claims", [])):
        return advice
    return None


def main() -> None:
    socket_path, wait_seconds = sys.argv[1], float(sys.argv[2])
    # A loaded machine may keep the daemon from answering within the client's default 2 s.
    client = carbon_governor.CarbonGovernorClient(socket_path=socket_path, timeout=wait_seconds)
    with carbon_governor.job("resnet50-demo", gpus=[3], batch_size=256, client=client) as job:
        if not job.active:
            raise SystemExit("the job was not registered")
        say("registered", job.registration)
        say("running", wait_for("see the job on GPU 3", lambda: running(job), wait_seconds))
        sys.stdin.read()  # the test closes it when it has seen what it wanted
    say("finished", job.outcome)


if __name__ == "__main__":
    main()
