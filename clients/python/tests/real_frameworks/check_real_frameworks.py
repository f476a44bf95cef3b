"""Trains tiny models on the CPU with the real PyTorch Lightning and Hugging Face Trainer, each
with our callback, against a real daemon, and checks what the callbacks promise (see README.md):

    python check_real_frameworks.py --jar daemon/target/carbon-governor.jar

starts the daemon from its jar on a generated copy of config/demo.yaml (state in a temporary
folder, a team for this user that learns batch sizes 16, 32 and 64 and prices time at 36 kg/h so
that a run slower than twice its best run is advised to stop), runs each scenario in a process
of its own (declared on the simulated GPU 3) and stops the daemon. ``--socket PATH`` uses a
running daemon instead, configured with that team (the daemon's log is then not checked).
Needs torch, lightning and transformers; reaches no network (HF_HUB_OFFLINE=1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(HERE))  # clients/python
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
sys.path.insert(0, PACKAGE_ROOT)

GPU = 3  # the demo's idle simulated GPU, where a process that declares it runs
OWN_BATCH = 32
SAMPLES = 3200  # 100 steps an epoch at 32, 50 at 64
EPOCHS = 3
TEAM = """members: {users: [%s]}
policy: {kind: bands, bands: [{cap: 90%%, batch-size: 16}]}
batch-sizes: [16, 32, 64]
time-weight-g-per-hour: 36000
"""


def emit(**fields: Any) -> None:
    print("RESULT " + json.dumps(fields, default=str), flush=True)


def governor_warnings(caught: List[warnings.WarningMessage]) -> List[str]:
    from carbon_governor import CarbonGovernorWarning

    return [str(w.message) for w in caught if issubclass(w.category, CarbonGovernorWarning)]


def listed(name: str) -> Optional[Dict[str, Any]]:
    """The daemon's view of the running job of that name."""
    from carbon_governor import CarbonGovernorClient, CarbonGovernorError

    try:
        jobs = CarbonGovernorClient().jobs()
    except CarbonGovernorError:
        return None  # the no-daemon scenarios
    for job in jobs:
        if job.get("name") == name:
            return job
    return None


def data(seed: int = 0) -> Any:
    import torch

    g = torch.Generator().manual_seed(seed)
    x = torch.randn(SAMPLES, 8, generator=g)
    y = x @ torch.randn(8, 1, generator=g) + 0.1 * torch.randn(SAMPLES, 1, generator=g)
    return x, y


# Lightning ------------------------------------------------------------------------------------


def lightning_run(name: str, reload: int = 0) -> None:
    import lightning.pytorch as pl
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from carbon_governor.lightning import CarbonGovernorCallback

    x, y = data()

    class Data(pl.LightningDataModule):
        def __init__(self, batch_size: int) -> None:
            super().__init__()
            self.batch_size = batch_size

        def train_dataloader(self) -> DataLoader:
            return DataLoader(TensorDataset(x, y), batch_size=self.batch_size, shuffle=True)

    class Model(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = torch.nn.Linear(8, 1)
            self.batches: List[int] = []

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            xb, yb = batch
            self.batches.append(int(xb.shape[0]))
            loss = torch.nn.functional.mse_loss(self.net(xb), yb)
            self.log("train_loss", loss)
            return loss

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=0.05)

    class Probe(pl.Callback):
        """Around our callback's hooks: the size it holds as advice, what the loader and the
        model saw, and what it reported, as the daemon lists it."""

        def __init__(self) -> None:
            self.epochs: List[Dict[str, Any]] = []

        def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
            self.epochs.append({"advice_held": cg.job.batch_size if cg.job else None,
                                "loader_batch_size": trainer.train_dataloader.batch_size})

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            job = listed(name)
            self.epochs[-1].update({
                "epoch": trainer.current_epoch + 1,
                "global_step": trainer.global_step,
                "batch_sizes": sorted(set(module.batches)),
                "daemon_progress": job["progress"] if job else None,
                "stop": cg.job.should_stop if cg.job else None,
            })
            module.batches.clear()

    cg = CarbonGovernorCallback(name, monitor="train_loss")
    probe = Probe()
    module = Model()
    trainer = pl.Trainer(accelerator="cpu", devices=1, max_epochs=EPOCHS, reload_dataloaders_every_n_epochs=reload,
                         callbacks=[cg, probe], logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(module, datamodule=Data(OWN_BATCH))
    job = cg.job
    emit(framework="lightning", version=pl.__version__, name=name,
         registered=job is not None and job.registration is not None,
         advised=(job.registration or {}).get("advice", {}).get("batch_size") if job else None,
         accepts_changes=job.accepts_batch_size_changes if job else None,
         batch_sizes=sorted({b for e in probe.epochs for b in e["batch_sizes"]}), steps=trainer.global_step,
         epochs=probe.epochs, epochs_run=trainer.current_epoch, reload=reload, should_stop=trainer.should_stop,
         stop_reason=job.stop_reason if job else None, outcome=job.outcome if job else None,
         still_listed=listed(name) is not None if job and job.registration else None,
         warnings=governor_warnings(caught))


# Hugging Face -------------------------------------------------------------------------------


def huggingface_run(name: str, use_job: bool) -> None:
    import torch
    import transformers
    from transformers import Trainer, TrainerCallback, TrainingArguments

    import carbon_governor
    from carbon_governor.huggingface import CarbonGovernorTrainerCallback

    x, y = data()
    train = [{"x": x[i], "labels": y[i]} for i in range(SAMPLES)]
    evaluation = train[:256]

    class Regressor(torch.nn.Module):
        """A model the Trainer takes as any torch module: forward returns the loss."""

        def __init__(self) -> None:
            super().__init__()
            self.net = torch.nn.Linear(8, 1)
            self.batches: List[int] = []

        def forward(self, x: Any, labels: Any = None) -> Dict[str, Any]:
            if self.training:
                self.batches.append(int(x.shape[0]))
            out = self.net(x)
            return {"loss": torch.nn.functional.mse_loss(out, labels), "logits": out}

    class Probe(TrainerCallback):
        def __init__(self) -> None:
            self.epochs: List[Dict[str, Any]] = []

        def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            job = listed(name)
            self.epochs.append({"epoch": state.epoch, "global_step": state.global_step,
                                "daemon_progress": job["progress"] if job else None,
                                "should_training_stop": control.should_training_stop})

    def train_with(batch_size: int, callback: Any) -> Any:
        with tempfile.TemporaryDirectory(prefix="cg-hf-") as output:
            return train_in(output, batch_size, callback)

    def train_in(output: str, batch_size: int, callback: Any) -> Any:
        model = Regressor()
        probe = Probe()
        args = TrainingArguments(output_dir=output, per_device_train_batch_size=batch_size,
                                 per_device_eval_batch_size=64, num_train_epochs=EPOCHS, learning_rate=0.05,
                                 use_cpu=True, report_to=[], save_strategy="no", eval_strategy="epoch",
                                 logging_strategy="epoch", metric_for_best_model="loss", disable_tqdm=True,
                                 dataloader_num_workers=0)
        trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=evaluation,
                          callbacks=[callback, probe])
        trainer.train()
        return trainer, model, probe

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if use_job:
            # The documented way to train at the advised size: register before building the Trainer.
            with carbon_governor.job(name, batch_size=OWN_BATCH) as job:
                cg = CarbonGovernorTrainerCallback(job=job)
                trainer, model, probe = train_with(job.batch_size or OWN_BATCH, cg)
        else:
            cg = CarbonGovernorTrainerCallback(name)
            trainer, model, probe = train_with(OWN_BATCH, cg)
    job = cg.job
    emit(framework="transformers", version=transformers.__version__, name=name, use_job=use_job,
         registered=job is not None and job.registration is not None,
         advised=(job.registration or {}).get("advice", {}).get("batch_size") if job else None,
         batch_sizes=sorted(set(model.batches)), steps=trainer.state.global_step, epochs=probe.epochs,
         epochs_run=len(probe.epochs), should_training_stop=trainer.control.should_training_stop,
         stop_reason=job.stop_reason if job else None, outcome=job.outcome if job else None,
         still_listed=listed(name) is not None if job and job.registration else None,
         warnings=governor_warnings(caught))


SCENARIOS: Dict[str, Callable[[], None]] = {
    "lightning": lambda: lightning_run("rf-lightning"),
    "lightning-reload": lambda: lightning_run("rf-lightning-reload", reload=1),
    "lightning-stop": lambda: lightning_run("rf-lightning-stop"),
    "lightning-no-daemon": lambda: lightning_run("rf-lightning"),
    "huggingface": lambda: huggingface_run("rf-hf", use_job=False),
    "huggingface-job": lambda: huggingface_run("rf-hf-job", use_job=True),
    "huggingface-stop": lambda: huggingface_run("rf-hf-stop", use_job=False),
    "huggingface-no-daemon": lambda: huggingface_run("rf-hf", use_job=False),
}


# The driver ---------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.failed: List[str] = []

    def that(self, scenario: str, what: str, ok: bool, seen: Any = None) -> None:
        line = f"  {'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f" (saw {seen!r})")
        print(line, flush=True)
        if not ok:
            self.failed.append(f"{scenario}: {what}")


def seed(name: str, reached_target: bool) -> None:
    """One earlier run at the job's own size: a failed one makes the advisor try the next size up
    (and leaves nothing to compare a run's cost with: no stop); a successful quick one makes it
    try the next size down and is the cheap best run a real run soon costs twice of."""
    from carbon_governor import CarbonGovernorClient

    client = CarbonGovernorClient(timeout=30)
    job = client.register(name, [GPU], pid=os.getpid(), batch_size=OWN_BATCH)
    client.finish(str(job["id"]), reached_target, 1)


def run_scenario(scenario: str, socket: str) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUDA_", "CARBON_GOVERNOR_"))}
    env.update(CARBON_GOVERNOR_SOCKET=socket, CARBON_GOVERNOR_SIMULATED_GPUS=str(GPU),
               CUDA_VISIBLE_DEVICES=str(GPU), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONDONTWRITEBYTECODE="1", TOKENIZERS_PARALLELISM="false")
    started = time.monotonic()
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--scenario", scenario], env=env,
                          capture_output=True, text=True, timeout=900)
    results = [json.loads(line[len("RESULT "):]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or len(results) != 1:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-8000:])
        raise SystemExit(f"scenario {scenario} failed (exit {done.returncode})")
    result = results[0]
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def check(scenario: str, r: Dict[str, Any], c: Checks, daemon_log: Optional[str]) -> None:
    print(f"{scenario}: {r['framework']} {r['version']}, {r['steps']} steps in {r.get('epochs_run')} epoch(s), "
          f"batch sizes {r['batch_sizes']}, advised {r['advised']}, {r['seconds']} s", flush=True)
    no_daemon = scenario.endswith("no-daemon")
    stop = scenario.endswith("stop")
    if no_daemon:
        c.that(scenario, "not registered", not r["registered"], r["registered"])
        c.that(scenario, "exactly one CarbonGovernorWarning", len(r["warnings"]) == 1, r["warnings"])
        c.that(scenario, f"trained all {EPOCHS} epochs at its own batch size", r["epochs_run"] == EPOCHS
               and r["batch_sizes"] == [OWN_BATCH], (r["epochs_run"], r["batch_sizes"]))
        return
    c.that(scenario, "registered", r["registered"], r["registered"])
    epochs = r["epochs"]
    reported = [e["daemon_progress"] for e in epochs]
    c.that(scenario, "progress reported at every epoch's end (the daemon lists steps and epoch)",
           all(p is not None and p["work_done"] == e["global_step"] and p["epoch"] == i + 1
               for i, (p, e) in enumerate(zip(reported, epochs))) and len(epochs) == r["epochs_run"], reported)
    if r["framework"] == "lightning" and not r["reload"]:
        c.that(scenario, "advised size differs from the module's own", r["advised"] not in (None, OWN_BATCH), r["advised"])
        c.that(scenario, "the loader trained at the size advised at registration, every epoch",
               r["batch_sizes"] == [r["advised"]] and all(e["loader_batch_size"] == r["advised"] for e in epochs),
               (r["batch_sizes"], [e["loader_batch_size"] for e in epochs]))
        c.that(scenario, "registered as not accepting batch-size changes", r["accepts_changes"] is False,
               r["accepts_changes"])
    if r["framework"] == "lightning" and r["reload"]:
        c.that(scenario, "registered as accepting batch-size changes (reload_dataloaders_every_n_epochs)",
               r["accepts_changes"] is True, r["accepts_changes"])
        c.that(scenario, "each epoch's reloaded loader trained at the advice the job held as the epoch began",
               all(e["batch_sizes"] == [e["advice_held"]] == [e["loader_batch_size"]] for e in epochs),
               [(e["advice_held"], e["loader_batch_size"], e["batch_sizes"]) for e in epochs])
    if r["framework"] == "lightning":
        stopped = r["should_stop"]
    else:
        c.that(scenario, "advised size differs from the run's own", r["advised"] not in (None, OWN_BATCH), r["advised"])
        if r["use_job"]:
            c.that(scenario, "trained at the advised size (registered before the Trainer was built)",
                   r["batch_sizes"] == [r["advised"]], r["batch_sizes"])
            c.that(scenario, "no warning", r["warnings"] == [], r["warnings"])
        else:
            c.that(scenario, "trained at its own size: the loader was built before on_train_begin",
                   r["batch_sizes"] == [OWN_BATCH], r["batch_sizes"])
            c.that(scenario, "one warning that the advice is for the next run",
                   len(r["warnings"]) == 1 and f"advised batch size {r['advised']} applies to the next run" in r["warnings"][0],
                   r["warnings"])
            # The Trainer evaluates after on_epoch_end: each report carries the previous epoch's evaluation.
            if not stop:
                metrics = [(p or {}).get("metric") for p in reported[1:]]
                c.that(scenario, "the last evaluation's eval_loss went with the progress from the second epoch on",
                       bool(metrics) and all(m and m["name"] == "eval_loss" for m in metrics), metrics)
        # The Trainer itself sets should_training_stop at its last step: a stop is the job's advice.
        stopped = r["should_training_stop"] and r["stop_reason"] is not None
    if stop:
        c.that(scenario, "advised to stop after the first epoch, and stopped there",
               stopped and r["epochs_run"] == 1 and (r["stop_reason"] or "").startswith("cost so far"),
               (stopped, r["epochs_run"], r["stop_reason"]))
    else:
        c.that(scenario, f"ran all {EPOCHS} epochs, never advised to stop",
               not stopped and r["epochs_run"] == EPOCHS and r["stop_reason"] is None,
               (stopped, r["epochs_run"], r["stop_reason"]))
    c.that(scenario, "finished (the daemon answered finish and lists the job no more)",
           bool(r["outcome"]) and r["outcome"].get("finished") is True and r["still_listed"] is False,
           (r["outcome"], r["still_listed"]))
    if daemon_log is not None:
        reached = "false" if stop else "true"
        pattern = re.compile(r'job finished.*name="%s".*reached_target="%s"' % (re.escape(r["name"]), reached))
        c.that(scenario, f"the daemon logged the job finished with reached_target={reached}",
               any(pattern.search(line) for line in daemon_log.splitlines()))


def start_daemon(jar: str, folder: str) -> "tuple[subprocess.Popen[bytes], str]":
    src = open(os.path.join(REPO, "config", "demo.yaml"), encoding="utf-8").read()
    state = os.path.join(folder, "state")
    socket = os.path.join(state, "run", "api.sock")
    for old, new in (("interval: 10s", "interval: 2s"), ("sample-every: 5s", "sample-every: 1s"),
                     ("state-dir: ../state", f"state-dir: {state}"),
                     ("file: ../traces/", f"file: {os.path.join(REPO, 'traces')}/"),
                     ("teams-dir: teams.d", f"teams-dir: {os.path.join(folder, 'teams.d')}"),
                     ("listen: 127.0.0.1:9464", "listen: 127.0.0.1:0"),
                     ("socket: ../state/run/api.sock", f"socket: {socket}")):
        if old not in src:
            raise SystemExit(f"config/demo.yaml no longer has {old!r}: update this script")
        src = src.replace(old, new)
    os.makedirs(os.path.join(folder, "teams.d"))
    config = os.path.join(folder, "governor.yaml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(src)
    import pwd

    with open(os.path.join(folder, "teams.d", "real-frameworks.yaml"), "w", encoding="utf-8") as f:
        f.write(TEAM % pwd.getpwuid(os.getuid()).pw_name)
    log = open(os.path.join(folder, "daemon.log"), "wb")
    daemon = subprocess.Popen(["java", "-jar", jar, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not os.path.exists(socket):
        if daemon.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the daemon did not start:\n" + open(log.name, encoding="utf-8").read())
        time.sleep(0.5)
    # The socket exists before the daemon answers briskly: the callbacks' client waits 2 s a call.
    from carbon_governor import CarbonGovernorClient, CarbonGovernorError

    answered = 0
    while answered < 3:
        try:
            CarbonGovernorClient(socket_path=socket).status()
            answered += 1
        except CarbonGovernorError:
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return daemon, socket


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--jar", help="the daemon's jar, started on a generated demo config")
    where.add_argument("--socket", help="a running daemon's socket (its config has the team above)")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), help="run these scenarios alone")
    args = parser.parse_args()
    if args.scenario:
        if args.scenario.endswith("no-daemon"):
            os.environ["CARBON_GOVERNOR_SOCKET"] = os.path.join(tempfile.mkdtemp(), "no-daemon.sock")
        SCENARIOS[args.scenario]()
        return
    if not args.jar and not args.socket:
        parser.error("give --jar or --socket")
    folder = tempfile.mkdtemp(prefix="cg-real-frameworks-")
    daemon = None
    try:
        if args.jar:
            daemon, socket = start_daemon(args.jar, folder)
        else:
            socket = args.socket
        os.environ["CARBON_GOVERNOR_SOCKET"] = socket
        import platform

        import torch

        print(f"python {platform.python_version()}, torch {torch.__version__}, daemon socket {socket}", flush=True)
        chosen = args.only or list(SCENARIOS)
        seeds = {"lightning": ("rf-lightning", False), "lightning-reload": ("rf-lightning-reload", False),
                 "lightning-stop": ("rf-lightning-stop", True),
                 "huggingface": ("rf-hf", False), "huggingface-job": ("rf-hf-job", False),
                 "huggingface-stop": ("rf-hf-stop", True)}
        results = {}
        for scenario in chosen:
            if scenario in seeds:
                seed(*seeds[scenario])
            results[scenario] = run_scenario(scenario, socket)
        time.sleep(1)  # the daemon's log lines are written as the calls return; let the file catch up
        daemon_log = open(os.path.join(folder, "daemon.log"), encoding="utf-8").read() if daemon else None
        c = Checks()
        for scenario in chosen:
            check(scenario, results[scenario], c, daemon_log)
        print(f"{len(c.failed)} check(s) failed" + "".join("\n  " + f for f in c.failed) if c.failed
              else "all checks passed", flush=True)
        if c.failed:
            raise SystemExit(1)
    finally:
        if daemon is not None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(60)
            except subprocess.TimeoutExpired:
                daemon.kill()
            if not os.environ.get("KEEP"):
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
