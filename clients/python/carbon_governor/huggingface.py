"""A Hugging Face ``TrainerCallback``: ``Trainer(..., callbacks=[CarbonGovernorTrainerCallback("bert")])``.

It registers the run at ``on_train_begin`` (on the main process, for the GPUs the Trainer uses on
this node), reports progress (``state.global_step`` optimizer steps, with the last evaluation
metric) at each epoch's end, sets ``control.should_training_stop`` on every process when the
daemon advises stopping, and finishes the job at ``on_train_end``.

The Trainer has built its training data loader before ``on_train_begin``, so the batch size the
daemon advises cannot reach the run that registers: the callback registers with
``accepts_batch_size_changes`` false and warns once where the advice differs. To train at the
advised size, register before building the Trainer and hand the job in::

    with carbon_governor.job("bert", batch_size=32) as job:
        args = TrainingArguments(..., per_device_train_batch_size=job.batch_size)
        Trainer(..., args=args, callbacks=[CarbonGovernorTrainerCallback(job=job)]).train()

Imports ``transformers`` when this module is imported, never before.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .client import CarbonGovernorClient
from .gpus import GpuRef
from .job import CarbonGovernorWarning, Job

try:
    from transformers import TrainerCallback
except ImportError:
    raise ImportError("carbon_governor.huggingface needs transformers: pip install transformers") from None

# Typed as Any, as mypy sees it where transformers is absent, so that the check reads the same
# with transformers (which ships types) installed.
_TrainerCallback: Any = TrainerCallback


class CarbonGovernorTrainerCallback(_TrainerCallback):  # type: ignore[misc]
    def __init__(
        self,
        name: Optional[str] = None,
        *,
        job: Optional[Job] = None,
        gpus: Optional[Sequence[GpuRef]] = None,
        metric: Optional[str] = None,
        client: Optional[CarbonGovernorClient] = None,
    ) -> None:
        """
        :param name: the job's name, the same for every run of it (not with ``job``)
        :param job: a job the caller registered (and finishes) itself, e.g. to use its batch size
        :param gpus: the job's GPUs (CUDA indices as the process sees them, or UUIDs); by default
            the Trainer's devices on this node
        :param metric: the evaluation metric to send with progress, e.g. "eval_loss"; by default
            ``args.metric_for_best_model`` where set
        """
        if (name is None) == (job is None):
            raise ValueError("give exactly one of name or job")
        self.name = name if name is not None else job.name  # type: ignore[union-attr]
        self.job = job
        self._owns_job = job is None
        self.gpus = list(gpus) if gpus is not None else None
        self.metric = metric
        self.client = client
        #: Set before training ends to say whether it reached its target; None: decided from how it ended.
        self.reached_target: Optional[bool] = None
        self._last_metric: Optional[Tuple[str, float]] = None
        self._stopped_by_governor = False

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not getattr(state, "is_world_process_zero", True):
            return
        own = int(args.per_device_train_batch_size)
        if self.job is None:
            self.job = Job(self.name, self.gpus if self.gpus is not None else _trainer_gpus(args),
                           batch_size=own, accepts_batch_size_changes=False, client=self.client)
        self.job.start()
        if self._owns_job and self.job.active and self.job.batch_size not in (None, own):
            warnings.warn(
                f"carbon-governor: the advised batch size {self.job.batch_size} applies to the next run of "
                f"{self.name!r}: the Trainer built its data loader at {own} per device before training began",
                CarbonGovernorWarning, stacklevel=2)

    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Optional[Dict[str, float]] = None,
                    **kwargs: Any) -> None:
        name = self._metric_name(args)
        if name is not None and metrics and name in metrics:
            self._last_metric = (name, float(metrics[name]))

    def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        stop = False
        job = self.job
        if job is not None and job.active:
            epoch = int(round(state.epoch)) if getattr(state, "epoch", None) is not None else None
            job.progress(iterations_done=int(state.global_step), epoch=epoch, metric=self._last_metric)
            stop = job.should_stop
        if _any_process(args, stop):
            self._stopped_by_governor = True
            control.should_training_stop = True

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.job is None or not self._owns_job:
            return  # the caller's job: its with block finishes it
        reached = self.reached_target
        if reached is None:
            reached = not self._stopped_by_governor
        epoch = int(round(state.epoch)) if getattr(state, "epoch", None) is not None else None
        self.job.finish(reached, epochs=epoch)

    def _metric_name(self, args: Any) -> Optional[str]:
        if self.metric is not None:
            return self.metric
        best = getattr(args, "metric_for_best_model", None)
        if not isinstance(best, str) or not best:
            return None
        return best if best.startswith("eval_") else "eval_" + best


def _trainer_gpus(args: Any) -> Optional[List[GpuRef]]:
    """The Trainer's CUDA devices on this node; None (every GPU the process sees) for several
    processes or DataParallel, or where it trains on something else."""
    device = getattr(args, "device", None)
    if getattr(device, "type", None) != "cuda":
        return None
    if int(getattr(args, "world_size", 1) or 1) > 1 or int(getattr(args, "n_gpu", 1) or 1) > 1:
        return None
    return [int(getattr(device, "index", 0) or 0)]


def _any_process(args: Any, decision: bool) -> bool:
    """Whether the main process decided so, on every process: only it hears the daemon."""
    if int(getattr(args, "world_size", 1) or 1) <= 1:
        return decision
    import torch.distributed as dist

    if not dist.is_available() or not dist.is_initialized():
        return decision
    flag = [decision]
    broadcast: Any = dist.broadcast_object_list  # untyped in some torch releases, typed in others
    broadcast(flag, src=0)
    return bool(flag[0])
