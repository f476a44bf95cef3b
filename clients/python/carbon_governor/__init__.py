"""Carbon Governor's client for training jobs: standard library only.

    import carbon_governor

    with carbon_governor.job("resnet50-imagenet", gpus=[0], batch_size=256) as job:
        loader = DataLoader(dataset, batch_size=job.batch_size)
        for epoch in range(epochs):
            ...
            job.progress(samples_done=seen, epoch=epoch + 1, metric=("val_loss", loss))
            if job.should_stop:
                break

Without a daemon the job is a no-op with one warning. The framework callbacks import their
framework only when used: ``carbon_governor.CarbonGovernorCallback`` (PyTorch Lightning) and
``carbon_governor.CarbonGovernorTrainerCallback`` (Hugging Face Transformers).
"""

from typing import Any

from .client import DEFAULT_SOCKET, CarbonGovernorClient, CarbonGovernorError
from .gpus import GpuMappingError, machine_gpus, visible_gpus
from .job import CarbonGovernorWarning, Job, job

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SOCKET",
    "CarbonGovernorCallback",
    "CarbonGovernorClient",
    "CarbonGovernorError",
    "CarbonGovernorTrainerCallback",
    "CarbonGovernorWarning",
    "GpuMappingError",
    "Job",
    "job",
    "machine_gpus",
    "visible_gpus",
]


def __getattr__(name: str) -> Any:
    # The callbacks subclass their framework's base class, so importing them imports the framework.
    if name == "CarbonGovernorCallback":
        from .lightning import CarbonGovernorCallback

        return CarbonGovernorCallback
    if name == "CarbonGovernorTrainerCallback":
        from .huggingface import CarbonGovernorTrainerCallback

        return CarbonGovernorTrainerCallback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
