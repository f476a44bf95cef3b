"""Runs the job context manager or a callback against a real daemon, for the daemon's tests
(PythonCallbacksTest): ``python3 -m tests.against_daemon context|lightning|huggingface``.

The daemon is the one $CARBON_GOVERNOR_SOCKET names. Each scenario prints JSON lines on stdout;
the callback scenarios print {"event": "training"} at their first training step and wait for a
line on stdin, so that the test can move the daemon's clock while the run is under way.
"""

import json
import sys
import warnings
from typing import Any, Dict, List

import carbon_governor

from .support import governor_warnings


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def wait_for_the_test() -> None:
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("the test did not say go")


def context() -> None:
    with carbon_governor.job("ctx-job", gpus=[0], batch_size=256) as job:
        emit(event="registered", registration=job.registration, batch_size=job.batch_size)
        job.progress(samples_done=1000, epoch=1, metric=("val_loss", 0.9))
        job.progress(samples_done=2000, epoch=2, metric=("val_loss", 0.7))
        client = carbon_governor.CarbonGovernorClient()
        emit(event="running", advice=job.advice(), listed=client.jobs())
    emit(event="finished", outcome=job.outcome)
    try:
        with carbon_governor.job("ctx-failing", gpus=[0]) as failing:
            failing.progress(iterations_done=5, epoch=1)
            raise RuntimeError("diverged")
    except RuntimeError:
        pass
    emit(event="failed", outcome=failing.outcome)


def lightning() -> None:
    from carbon_governor.lightning import CarbonGovernorCallback
    from trainers import DataModule, LightningTrainer, Module

    class PausingModule(Module):
        def training_step(self, batch: Any, batch_idx: int) -> Dict[str, float]:
            if trainer.current_epoch == 0 and batch_idx == 0:
                emit(event="training", job=callback.job.id if callback.job else None)
                wait_for_the_test()
            self.logged["val_loss"] = 0.5
            return super().training_step(batch, batch_idx)

    callback = CarbonGovernorCallback("mlp", monitor="val_loss", count="samples")
    trainer = LightningTrainer([callback], max_epochs=5)
    datamodule = DataModule(samples=1024, batch_size=512)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(PausingModule(), datamodule)
    job = callback.job
    assert job is not None
    emit(event="done", registration=job.registration, loader_batch_sizes=trainer.loader_batch_sizes,
         epochs_run=trainer.current_epoch, should_stop=trainer.should_stop, stop_reason=job.stop_reason,
         outcome=job.outcome, warnings=governor_warnings(caught))


def huggingface() -> None:
    from carbon_governor.huggingface import CarbonGovernorTrainerCallback
    from transformers import TrainingArguments
    from trainers import HuggingFaceTrainer

    def pause(epoch: int, step: int) -> None:
        if epoch == 0 and step == 0:
            emit(event="training", job=callback.job.id if callback.job else None)
            wait_for_the_test()

    callback = CarbonGovernorTrainerCallback("bert")
    args = TrainingArguments(per_device_train_batch_size=512, num_train_epochs=5, metric_for_best_model="loss")
    trainer = HuggingFaceTrainer(args, [callback], samples=2048, evaluate=lambda epoch: {"eval_loss": 0.4},
                                 on_step=pause)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.train()
    job = callback.job
    assert job is not None
    emit(event="done", registration=job.registration, loader_batch_size=trainer.loader_batch_size,
         epochs_run=trainer.epochs_run, should_training_stop=trainer.control.should_training_stop,
         stop_reason=job.stop_reason, outcome=job.outcome, warnings=governor_warnings(caught))


def huggingface_full() -> None:
    """A run the daemon never stops: the Trainer's own flag at the last step is no stop."""
    from carbon_governor.huggingface import CarbonGovernorTrainerCallback
    from transformers import TrainingArguments
    from trainers import HuggingFaceTrainer

    callback = CarbonGovernorTrainerCallback("bert-full")
    args = TrainingArguments(per_device_train_batch_size=512, num_train_epochs=2)
    trainer = HuggingFaceTrainer(args, [callback], samples=2048)
    trainer.train()
    job = callback.job
    assert job is not None
    emit(event="done", epochs_run=trainer.epochs_run, should_training_stop=trainer.control.should_training_stop,
         stop_reason=job.stop_reason, outcome=job.outcome)


SCENARIOS = {"context": context, "lightning": lightning, "huggingface": huggingface,
             "huggingface-full": huggingface_full}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]]()
