"""A PyTorch Lightning callback: ``Trainer(callbacks=[CarbonGovernorCallback("resnet")])``.

It registers the run when fitting starts (on global rank zero, for the node's GPUs the trainer
uses), before Lightning builds the training data loader, so the advised batch size can still be
put where the loader reads it: the ``batch_size`` attribute (or ``hparams.batch_size``) of the
datamodule or the LightningModule, as Lightning's own batch-size finder does. After each
training epoch it reports progress (optimizer steps, or samples with ``count="samples"``) and,
when the daemon advises stopping, sets ``trainer.should_stop`` on every rank. It finishes the job
when training ends (reached_target false after an exception or the daemon's stop).

A loader, once built, keeps its batch size: a later change of advice reaches the run only with
``Trainer(reload_dataloaders_every_n_epochs=N)``, and only then does the job tell the daemon it
accepts changes. Imports Lightning (``lightning`` or ``pytorch_lightning``) when this module is
imported, never before.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

from .client import CarbonGovernorClient
from .gpus import GpuRef
from .job import Job


def _lightning_callback_base() -> Any:
    try:
        from lightning.pytorch.callbacks import Callback

        return Callback
    except ImportError:
        pass
    try:
        from pytorch_lightning.callbacks import Callback as LegacyCallback

        return LegacyCallback
    except ImportError:
        raise ImportError(
            "carbon_governor.lightning needs PyTorch Lightning: pip install lightning (or pytorch-lightning)"
        ) from None


_Callback: Any = _lightning_callback_base()


def _batch_size_holder(trainer: Any, pl_module: Any, attr: str) -> Optional[Tuple[Any, str]]:
    """Where the batch size lives, looked up as Lightning's batch-size finder does."""
    datamodule = getattr(trainer, "datamodule", None)
    for owner in (pl_module, datamodule):
        if owner is None:
            continue
        if hasattr(owner, attr):
            return owner, attr
        hparams = getattr(owner, "hparams", None)
        if hparams is not None:
            if isinstance(hparams, dict) and attr in hparams:
                return hparams, attr
            if not isinstance(hparams, dict) and hasattr(hparams, attr):
                return hparams, attr
    return None


def _read(holder: Tuple[Any, str]) -> Optional[int]:
    owner, attr = holder
    value = owner[attr] if isinstance(owner, dict) else getattr(owner, attr)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _write(holder: Tuple[Any, str], value: int) -> None:
    owner, attr = holder
    if isinstance(owner, dict):
        owner[attr] = value
    else:
        setattr(owner, attr, value)


def _batch_len(batch: Any) -> Optional[int]:
    """Samples in a batch: the first dimension of its first tensor-like part."""
    while isinstance(batch, (list, tuple)) and batch:
        batch = batch[0]
    if isinstance(batch, dict) and batch:
        batch = next(iter(batch.values()))
    shape = getattr(batch, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return None


class CarbonGovernorCallback(_Callback):  # type: ignore[misc]
    def __init__(
        self,
        name: str,
        *,
        gpus: Optional[Sequence[GpuRef]] = None,
        batch_size_attr: str = "batch_size",
        count: str = "steps",
        monitor: Optional[str] = None,
        client: Optional[CarbonGovernorClient] = None,
    ) -> None:
        """
        :param name: the job's name, the same for every run of it
        :param gpus: the job's GPUs (CUDA indices as the process sees them, or UUIDs); by default
            the devices the trainer uses on this node
        :param batch_size_attr: the attribute the training data loader reads its batch size from
        :param count: "steps" (optimizer steps, ``trainer.global_step``) or "samples" (counted
            from each batch's first dimension on rank zero, times the world size)
        :param monitor: a logged metric (e.g. "val_loss") sent with each progress report
        """
        super().__init__()
        if count not in ("steps", "samples"):
            raise ValueError(f"count must be 'steps' or 'samples', got {count!r}")
        self.name = name
        self.gpus = list(gpus) if gpus is not None else None
        self.batch_size_attr = batch_size_attr
        self.count = count
        self.monitor = monitor
        self.client = client
        self.job: Optional[Job] = None
        #: Set before training ends to say whether it reached its target; None: decided from how it ended.
        self.reached_target: Optional[bool] = None
        self._holder: Optional[Tuple[Any, str]] = None
        self._samples = 0
        self._stopped_by_governor = False
        self._failed = False

    # Lightning's hooks, in the order it calls them.

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        self._holder = _batch_size_holder(trainer, pl_module, self.batch_size_attr)
        own = _read(self._holder) if self._holder is not None else None
        reloads = int(getattr(trainer, "reload_dataloaders_every_n_epochs", 0) or 0) > 0
        advised: Optional[int] = None
        if getattr(trainer, "is_global_zero", True):
            self.job = Job(
                self.name,
                self.gpus if self.gpus is not None else self._trainer_gpus(trainer),
                batch_size=own,
                accepts_batch_size_changes=own is not None and reloads,
                client=self.client,
            ).start()
            advised = self.job.batch_size if self.job.active else None
        advised = _broadcast(trainer, advised)
        if self._holder is not None and advised is not None and advised != own:
            _write(self._holder, advised)

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        if self.count == "samples":
            self._samples += _batch_len(batch) or 0

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        stop = False
        job = self.job
        if job is not None and job.active:
            epoch = int(getattr(trainer, "current_epoch", 0)) + 1
            metric = self._metric(trainer)
            if self.count == "samples":
                job.progress(samples_done=self._samples * int(getattr(trainer, "world_size", 1) or 1),
                             epoch=epoch, metric=metric)
            else:
                job.progress(iterations_done=int(getattr(trainer, "global_step", 0)), epoch=epoch, metric=metric)
            stop = job.should_stop
            if job.accepts_batch_size_changes and self._holder is not None:
                job.advice()
                if job.batch_size is not None:
                    _write(self._holder, job.batch_size)  # read at the next data loader reload
        if _any_rank(trainer, stop):
            self._stopped_by_governor = True
            trainer.should_stop = True

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self._failed = True
        if self.job is not None:
            self.job.finish(False)

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        if self.job is None:
            return
        reached = self.reached_target
        if reached is None:
            reached = not self._failed and not self._stopped_by_governor
        self.job.finish(reached)

    def _metric(self, trainer: Any) -> Optional[Tuple[str, float]]:
        if self.monitor is None:
            return None
        value = (getattr(trainer, "callback_metrics", None) or {}).get(self.monitor)
        if value is None:
            return None
        try:
            return self.monitor, float(value)
        except (TypeError, ValueError):
            return None

    @staticmethod
    def _trainer_gpus(trainer: Any) -> Optional[List[GpuRef]]:
        """The CUDA devices the trainer uses on this node; None where it trains on something else."""
        root = getattr(getattr(trainer, "strategy", None), "root_device", None)
        if getattr(root, "type", None) != "cuda":
            return None
        ids = getattr(trainer, "device_ids", None) or [getattr(root, "index", 0) or 0]
        return [int(i) for i in ids]


def _broadcast(trainer: Any, value: Optional[int]) -> Optional[int]:
    """Rank zero's value on every rank (one process: the value)."""
    strategy = getattr(trainer, "strategy", None)
    if strategy is None or int(getattr(trainer, "world_size", 1) or 1) <= 1:
        return value
    result: Optional[int] = strategy.broadcast(value, src=0)
    return result


def _any_rank(trainer: Any, decision: bool) -> bool:
    """Whether any rank decided so: rank zero alone hears the daemon, every rank must stop."""
    strategy = getattr(trainer, "strategy", None)
    if strategy is None or int(getattr(trainer, "world_size", 1) or 1) <= 1:
        return decision
    return bool(strategy.reduce_boolean_decision(decision, all=False))
