"""A small PyTorch training run registered through the packaged client's context manager, for
PythonClientPackageIT: an MLP on random data, on the CPU, 320 optimizer steps.

The test has put this process on a fake GPU (the one CUDA_VISIBLE_DEVICES names) as NVML would
list a process with a CUDA context. The run waits until the daemon has seen it there before it
trains, and until the daemon has accounted energy to it before it finishes, so that a slow
machine cannot make it finish between two of the daemon's samples. Prints one JSON line.
"""

import json
import time
from typing import Any, Callable, Dict, Optional

import torch

import carbon_governor


def wait_for(what: str, check: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)  # polling the daemon, not timing the run
    raise SystemExit(f"the daemon did not {what} within {seconds:.0f} s")


def listed(client: carbon_governor.CarbonGovernorClient, job_id: Optional[str]) -> Dict[str, Any]:
    return next((j for j in client.jobs() if j["id"] == job_id), {})


def main() -> None:
    torch.manual_seed(0)
    inputs = torch.randn(4096, 16)
    targets = (inputs.sum(dim=1, keepdim=True) > 0).float()
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    client = carbon_governor.CarbonGovernorClient()

    with carbon_governor.job("mlp-random", gpus=[0], batch_size=64) as job:
        if not job.active:
            raise SystemExit("the job was not registered")
        wait_for("see the job on its GPU",
                 lambda: any(c["state"] == "running" for c in (job.advice() or {}).get("claims", [])))
        batch = job.batch_size or 64
        steps = 0
        loss = torch.tensor(0.0)
        for epoch in range(1, 6):
            order = torch.randperm(len(inputs))
            for start in range(0, len(inputs), batch):
                index = order[start:start + batch]
                loss = loss_fn(model(inputs[index]), targets[index])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                steps += 1
            job.progress(iterations_done=steps, epoch=epoch, metric=("loss", loss.item()))
        wait_for("account energy to the job", lambda: listed(client, job.id).get("energy_kwh", 0) > 0)
        last = listed(client, job.id)

    print(json.dumps({
        "client": carbon_governor.__file__,
        "registration": job.registration,
        "steps": steps,
        "batch_size": batch,
        "loss": loss.item(),
        "listed": last,
        "outcome": job.outcome,
    }))


if __name__ == "__main__":
    main()
