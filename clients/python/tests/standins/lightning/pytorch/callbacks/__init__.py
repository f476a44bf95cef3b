"""Stand-in for ``lightning.pytorch.callbacks.Callback``: Lightning 2.x's hook signatures."""

from typing import Any


class Callback:
    def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
        pass

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        pass

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        pass

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        pass

    def on_train_batch_start(self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int) -> None:
        pass

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        pass

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        pass

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        pass

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        pass

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        pass

    def teardown(self, trainer: Any, pl_module: Any, stage: str) -> None:
        pass
