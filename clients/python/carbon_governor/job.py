"""A training run as a registered job, for a ``with`` block or a framework callback.

Training must go on without the daemon: every call that cannot reach it, or that it refuses,
leaves the job working as a no-op and warns once per kind of problem (a daemon that is not
running is one warning for the whole run, not one per epoch).
"""

from __future__ import annotations

import os
import warnings
from types import TracebackType
from typing import Callable, Optional, Sequence, Set, Tuple, Type

from .client import Answer, CarbonGovernorClient, CarbonGovernorError
from .gpus import GpuMappingError, GpuRef, default_gpus, machine_gpus

_Call = Callable[[CarbonGovernorClient], Answer]

#: Statuses after which the job goes on: the daemon may answer the next call.
_TRANSIENT = {0, 429, 503}


class CarbonGovernorWarning(UserWarning):
    """The daemon could not be used for this job; training goes on without it."""


class Job:
    """One run of a training job, registered with the daemon for this process.

    ``with Job(...) as job`` (or ``carbon_governor.job(...)``) registers on entry and finishes on
    exit: reached_target is true when the block ends without an exception and the daemon did not
    advise a stop, unless the block set ``job.reached_target`` or called ``job.finish`` itself.
    """

    def __init__(
        self,
        name: str,
        gpus: Optional[Sequence[GpuRef]] = None,
        *,
        batch_size: Optional[int] = None,
        accepts_batch_size_changes: bool = False,
        client: Optional[CarbonGovernorClient] = None,
    ) -> None:
        """
        :param name: the job's name, the same for every run of it (the batch-size advisor learns
            per name and team); 1-128 letters, digits and ``._:/-``
        :param gpus: the job's GPUs as it sees them (CUDA indices) or UUIDs; by default every GPU
            the process can see (PyTorch's CUDA devices, else CUDA_VISIBLE_DEVICES)
        :param batch_size: the batch size the job would use on its own
        :param accepts_batch_size_changes: whether the job can change its batch size mid-run;
            otherwise the size advised at registration holds for the whole run
        :param client: where the daemon is; by default its Unix socket (see CarbonGovernorClient)
        """
        self.name = name
        self._gpus = list(gpus) if gpus is not None else None
        self._own_batch_size = batch_size
        self.accepts_batch_size_changes = accepts_batch_size_changes
        self._client = client
        self.id: Optional[str] = None
        #: The daemon's answer to the registration; None until registered.
        self.registration: Optional[Answer] = None
        self.last_advice: Optional[Answer] = None
        self.last_progress: Optional[Answer] = None
        #: The answer to finish (energy_kwh, emissions_g); None until finished.
        self.outcome: Optional[Answer] = None
        #: True once a progress answer advised stopping (the batch-size advisor's early stop).
        self.should_stop = False
        self.stop_reason: Optional[str] = None
        #: What the ``with`` block's exit reports; None: decided from how the block ended.
        self.reached_target: Optional[bool] = None
        self.epoch: Optional[int] = None
        self._advised_batch_size: Optional[int] = None
        self._started = False
        self._finished = False
        self._disabled = False
        self._warned: Set[str] = set()

    @property
    def active(self) -> bool:
        """Whether the job is registered and neither finished nor given up on."""
        return self.id is not None and not self._finished and not self._disabled

    @property
    def batch_size(self) -> Optional[int]:
        """The batch size to train at: the daemon's advice where it gave one, else the job's own."""
        return self._advised_batch_size if self._advised_batch_size is not None else self._own_batch_size

    def start(self) -> "Job":
        """Registers this process; a no-op (one warning) when the daemon cannot take the job."""
        if self._started:
            return self
        self._started = True
        try:
            gpus = self._gpus if self._gpus is not None else default_gpus()
            machine_gpus(gpus)  # the client maps them again as it registers; a failure is said here
            if self._client is None:
                self._client = CarbonGovernorClient()
        except (GpuMappingError, ValueError) as e:
            self._warn("setup", f"job {self.name!r} not registered: {e}")
            return self
        answer = self._call(
            "register",
            lambda client: client.register(
                self.name, gpus, pid=os.getpid(), batch_size=self._own_batch_size,
                accepts_batch_size_changes=self.accepts_batch_size_changes))
        if answer is None:
            return self
        self.registration = answer
        self.id = str(answer["id"])
        advice = answer.get("advice")
        if isinstance(advice, dict):
            self._take_batch_size(advice)
        return self

    def progress(
        self,
        samples_done: Optional[int] = None,
        iterations_done: Optional[int] = None,
        epoch: Optional[int] = None,
        metric: Optional[Tuple[str, float]] = None,
    ) -> Optional[Answer]:
        """Reports work done so far: exactly one of samples_done or iterations_done, never going
        back. The answer may advise stopping: then ``should_stop`` and ``stop_reason`` are set."""
        if (samples_done is None) == (iterations_done is None):
            raise ValueError("give exactly one of samples_done or iterations_done")
        if epoch is not None:
            self.epoch = int(epoch)
        if not self.active:
            return None
        job_id = self._registered_id()
        answer = self._call(
            "progress",
            lambda client: client.progress(job_id, samples_done, iterations_done, epoch, metric))
        if answer is not None:
            self.last_progress = answer
            if answer.get("stop"):
                self.should_stop = True
                self.stop_reason = answer.get("stop_reason")
        return answer

    def advice(self) -> Optional[Answer]:
        """The daemon's current advice (batch size, power limit and state, why)."""
        if not self.active:
            return None
        job_id = self._registered_id()
        answer = self._call("advice", lambda client: client.advice(job_id))
        if answer is not None:
            self.last_advice = answer
            self._take_batch_size(answer)
        return answer

    def finish(self, reached_target: bool, epochs: Optional[int] = None) -> Optional[Answer]:
        """Says how the run ended; the ``with`` block's exit then finishes nothing more."""
        if self._finished:
            return self.outcome
        active = self.active
        self._finished = True
        if not active:
            return None
        job_id = self._registered_id()
        epochs = epochs if epochs is not None else self.epoch
        self.outcome = self._call("finish", lambda client: client.finish(job_id, reached_target, epochs))
        return self.outcome

    def __enter__(self) -> "Job":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._finished:
            return
        reached = self.reached_target
        if reached is None:
            clean = exc_type is None or (isinstance(exc, SystemExit) and exc.code in (0, None))
            reached = clean and not self.should_stop
        self.finish(reached)

    def _registered_id(self) -> str:
        if self.id is None:
            raise RuntimeError("the job is not registered")
        return self.id

    def _take_batch_size(self, advice: Answer) -> None:
        size = advice.get("batch_size")
        if isinstance(size, int) and not isinstance(size, bool) and size > 0:
            self._advised_batch_size = size

    def _call(self, what: str, call: _Call) -> Optional[Answer]:
        client = self._client
        assert client is not None
        try:
            return call(client)
        except CarbonGovernorError as e:
            if e.status in _TRANSIENT:
                self._warn("unreachable", f"{what} for job {self.name!r} skipped, training goes on: {e}")
            else:
                # The daemon refused, or forgot the job (it restarted): later calls would fail alike.
                self._disabled = True
                self._warn("refused", f"{what} for job {self.name!r} refused, the job goes on unregistered: {e}")
            return None

    def _warn(self, kind: str, message: str) -> None:
        if kind in self._warned:
            return
        self._warned.add(kind)
        warnings.warn(f"carbon-governor: {message}", CarbonGovernorWarning, stacklevel=4)


def job(
    name: str,
    gpus: Optional[Sequence[GpuRef]] = None,
    *,
    batch_size: Optional[int] = None,
    accepts_batch_size_changes: bool = False,
    client: Optional[CarbonGovernorClient] = None,
) -> Job:
    """A job for a ``with`` block: ``with carbon_governor.job("resnet", gpus=[0]) as job: ...``."""
    return Job(name, gpus, batch_size=batch_size, accepts_batch_size_changes=accepts_batch_size_changes, client=client)
