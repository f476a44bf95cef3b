"""Trainers that call callback hooks as PyTorch Lightning 2.x and Hugging Face's Trainer do,
with the attributes the callbacks read; no model, data or device of their own."""

from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Optional

from transformers import TrainerControl, TrainerState, TrainingArguments


class Strategy:
    """One process on one CUDA device (Lightning's SingleDeviceStrategy)."""

    def __init__(self, device_type: str = "cuda", index: int = 0) -> None:
        self.root_device = SimpleNamespace(type=device_type, index=index)

    def broadcast(self, obj: Any, src: int = 0) -> Any:
        return obj

    def reduce_boolean_decision(self, decision: bool, all: bool = True) -> bool:
        return decision


class DataModule:
    """Lightning's pattern: the loader reads ``self.batch_size`` when the trainer asks for it."""

    def __init__(self, samples: int, batch_size: int) -> None:
        self.samples = samples
        self.batch_size = batch_size

    def train_dataloader(self) -> List[SimpleNamespace]:
        sizes = [self.batch_size] * (self.samples // self.batch_size)
        if self.samples % self.batch_size:
            sizes.append(self.samples % self.batch_size)
        return [SimpleNamespace(shape=(n, 4)) for n in sizes]


class Module:
    """A LightningModule's part the trainer calls; ``logged`` plays self.log(...)."""

    def __init__(self) -> None:
        self.logged: Dict[str, float] = {}

    def training_step(self, batch: Any, batch_idx: int) -> Dict[str, float]:
        return {"loss": 1.0}


class LightningTrainer:
    """Lightning 2.x's fit: setup, on_fit_start, the loader built, on_train_start, epochs of
    batches, should_stop read after each epoch, on_train_end; on_exception on a failure."""

    def __init__(self, callbacks: List[Any], max_epochs: int, device_type: str = "cuda",
                 reload_dataloaders_every_n_epochs: int = 0) -> None:
        self.callbacks = callbacks
        self.max_epochs = max_epochs
        self.strategy = Strategy(device_type)
        self.device_ids = [0]
        self.world_size = 1
        self.is_global_zero = True
        self.reload_dataloaders_every_n_epochs = reload_dataloaders_every_n_epochs
        self.current_epoch = 0
        self.global_step = 0
        self.should_stop = False
        self.callback_metrics: Dict[str, float] = {}
        self.datamodule: Optional[DataModule] = None
        self.loader_batch_sizes: List[int] = []

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)

    def fit(self, module: Any, datamodule: DataModule) -> None:
        self.datamodule = datamodule
        try:
            self._call("setup", module, "fit")
            self._call("on_fit_start", module)
            loader = datamodule.train_dataloader()
            self.loader_batch_sizes.append(loader[0].shape[0])
            self._call("on_train_start", module)
            while self.current_epoch < self.max_epochs and not self.should_stop:
                n = self.reload_dataloaders_every_n_epochs
                if n and self.current_epoch > 0 and self.current_epoch % n == 0:
                    loader = datamodule.train_dataloader()
                    self.loader_batch_sizes.append(loader[0].shape[0])
                self._call("on_train_epoch_start", module)
                for i, batch in enumerate(loader):
                    self._call("on_train_batch_start", module, batch, i)
                    out = module.training_step(batch, i)
                    self.global_step += 1
                    self._call("on_train_batch_end", module, out, batch, i)
                self.callback_metrics.update(getattr(module, "logged", {}))
                self._call("on_train_epoch_end", module)
                self.current_epoch += 1
            self._call("on_train_end", module)
            self._call("on_fit_end", module)
        except BaseException as e:
            self._call("on_exception", module, e)
            raise
        finally:
            self._call("teardown", module, "fit")


class HuggingFaceTrainer:
    """Trainer.train as transformers runs it: the loader built from args first, on_train_begin
    (its handler clears should_training_stop), per epoch on_epoch_begin, steps, on_epoch_end, then
    evaluation (on_evaluate), then should_training_stop read; on_train_end. As transformers'
    DefaultFlowCallback does, the last step sets should_training_stop: a finished run ends with
    it set, so a callback cannot tell a stop from it."""

    def __init__(self, args: TrainingArguments, callbacks: List[Any], samples: int,
                 evaluate: Optional[Callable[[int], Dict[str, float]]] = None,
                 on_step: Optional[Callable[[int, int], None]] = None) -> None:
        self.args = args
        self.callbacks = callbacks
        self.samples = samples
        self.evaluate = evaluate
        self.on_step = on_step
        self.state = TrainerState()
        self.control = TrainerControl()
        self.loader_batch_size: Optional[int] = None
        self.epochs_run = 0
        for cb in callbacks:
            cb.on_init_end(args, self.state, self.control)

    def _call(self, hook: str, **kwargs: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(self.args, self.state, self.control, **kwargs)

    def train(self) -> None:
        self.loader_batch_size = self.args.train_batch_size
        steps_per_epoch = -(-self.samples // self.loader_batch_size)
        self.state.max_steps = steps_per_epoch * self.args.num_train_epochs
        self.control.should_training_stop = False
        self._call("on_train_begin", model=None, train_dataloader=None)
        for epoch in range(self.args.num_train_epochs):
            self._call("on_epoch_begin")
            for step in range(steps_per_epoch):
                self._call("on_step_begin")
                if self.on_step is not None:
                    self.on_step(epoch, step)
                self.state.global_step += 1
                self.state.epoch = epoch + (step + 1) / steps_per_epoch
                if self.state.global_step >= self.state.max_steps:
                    self.control.should_training_stop = True
                self._call("on_step_end")
            self.epochs_run += 1
            self._call("on_epoch_end")
            if self.evaluate is not None:
                metrics = self.evaluate(epoch)
                self.state.log_history.append(dict(metrics))
                self._call("on_evaluate", metrics=metrics)
            if self.control.should_training_stop:
                break
        self._call("on_train_end")
