"""The machine's GPUs behind a job's own GPU references.

A job names its GPUs as it sees them: CUDA index 0 is the first device CUDA_VISIBLE_DEVICES
lists, and without it CUDA numbers the GPUs fastest first, which on a server with mixed models
is not NVML's (nvidia-smi's) order. The daemon knows NVML's indices and every GPU's UUID, so the
client sends UUIDs where PyTorch can tell them, else the machine's index through
CUDA_VISIBLE_DEVICES, and refuses an index it cannot place rather than claim the wrong GPU.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, List, Optional, Sequence, Union

#: An index as the job sees it, or a UUID ("GPU-...", "MIG-...").
GpuRef = Union[int, str]

_UUID = re.compile(r"(GPU-|MIG-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class GpuMappingError(ValueError):
    """A GPU reference that cannot be placed on the machine."""


def cuda_visible_entries(cuda_visible_devices: Optional[str]) -> Optional[List[GpuRef]]:
    """CUDA_VISIBLE_DEVICES as a list of machine indices and UUIDs; None when it is not set."""
    if cuda_visible_devices is None:
        return None
    entries: List[GpuRef] = []
    for entry in cuda_visible_devices.split(","):
        entry = entry.strip()
        # CUDA stops at the first entry it cannot use; so do we.
        if entry.isdigit():
            entries.append(int(entry))
        elif entry.startswith(("GPU-", "MIG-")):
            entries.append(entry)
        else:
            break
    return entries


def _as_ref(gpu: GpuRef) -> GpuRef:
    if isinstance(gpu, bool):
        raise GpuMappingError(f"not a GPU: {gpu!r}")
    if isinstance(gpu, str) and gpu.strip().isdigit():
        return int(gpu.strip())
    if isinstance(gpu, (int, str)):
        return gpu
    raise GpuMappingError(f"not a GPU index or UUID: {gpu!r}")


def visible_gpus(gpus: Sequence[GpuRef], cuda_visible_devices: Optional[str] = None) -> List[GpuRef]:
    """Maps each index through CUDA_VISIBLE_DEVICES, whose entries may be indices or UUIDs.

    UUIDs, and every index when CUDA_VISIBLE_DEVICES is not set, stay as they are. Raises
    GpuMappingError for an index the job cannot see.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES") if cuda_visible_devices is None else cuda_visible_devices
    entries = cuda_visible_entries(visible)
    mapped: List[GpuRef] = []
    for gpu in gpus:
        ref = _as_ref(gpu)
        if isinstance(ref, int) and entries is not None:
            if not 0 <= ref < len(entries):
                raise GpuMappingError(
                    f"GPU {ref} is not visible: CUDA_VISIBLE_DEVICES={visible!r} shows {len(entries)} GPU(s)")
            ref = entries[ref]
        mapped.append(ref)
    return mapped


def _loaded_torch_cuda() -> Optional[Any]:
    """torch.cuda where the process already imported torch and CUDA works; never imports torch."""
    torch = sys.modules.get("torch")
    if torch is None or getattr(getattr(torch, "version", None), "hip", None):
        return None
    try:
        cuda = torch.cuda
        return cuda if cuda.is_available() else None
    except Exception:  # a broken CUDA install is the job's business, not a reason to fail here
        return None


def torch_uuid(index: int) -> Optional[str]:
    """The UUID of CUDA device ``index`` as PyTorch sees it ("GPU-..."), where PyTorch tells it."""
    cuda = _loaded_torch_cuda()
    if cuda is None:
        return None
    try:
        if not 0 <= index < cuda.device_count():
            return None
        uuid = getattr(cuda.get_device_properties(index), "uuid", None)
    except Exception:
        return None
    text = str(uuid) if uuid is not None else ""
    if not _UUID.fullmatch(text):
        return None
    return text if text.startswith(("GPU-", "MIG-")) else "GPU-" + text


def _cuda_order_may_differ(cuda: Any) -> bool:
    """Whether CUDA's numbering may differ from NVML's: fastest-first order over unlike GPUs."""
    if os.environ.get("CUDA_DEVICE_ORDER") == "PCI_BUS_ID":
        return False
    try:
        names = {cuda.get_device_name(i) for i in range(cuda.device_count())}
    except Exception:
        return True
    return len(names) > 1


def machine_gpus(gpus: Sequence[GpuRef]) -> List[GpuRef]:
    """The machine's GPUs behind the job's references: PyTorch's UUID for an index where the
    process runs PyTorch with CUDA, else the index through CUDA_VISIBLE_DEVICES; UUIDs as given.

    Raises GpuMappingError for an index the job cannot see, or one whose machine GPU cannot be
    told (CUDA's fastest-first numbering over unlike GPUs, without a UUID or CUDA_VISIBLE_DEVICES).
    """
    refs = [_as_ref(g) for g in gpus]
    out: List[GpuRef] = []
    cuda = _loaded_torch_cuda()
    for ref in refs:
        if isinstance(ref, int):
            uuid = torch_uuid(ref)
            if uuid is not None:
                out.append(uuid)
                continue
            if os.environ.get("CUDA_VISIBLE_DEVICES") is None and cuda is not None and _cuda_order_may_differ(cuda):
                raise GpuMappingError(
                    f"cannot tell which GPU CUDA device {ref} is: CUDA numbers unlike GPUs fastest first, "
                    "not as nvidia-smi does; set CUDA_DEVICE_ORDER=PCI_BUS_ID or CUDA_VISIBLE_DEVICES, "
                    "or name the GPU by UUID")
        out.extend(visible_gpus([ref]))
    return out


def default_gpus() -> List[GpuRef]:
    """Every GPU the job can see, as the job's own indices: PyTorch's CUDA devices, else the
    entries of CUDA_VISIBLE_DEVICES (``machine_gpus`` places them)."""
    cuda = _loaded_torch_cuda()
    if cuda is not None:
        return list(range(cuda.device_count()))
    entries = cuda_visible_entries(os.environ.get("CUDA_VISIBLE_DEVICES"))
    if entries:
        return list(range(len(entries)))
    raise GpuMappingError(
        "no GPUs named and none to be found (PyTorch without CUDA, CUDA_VISIBLE_DEVICES not set): "
        "pass gpus=[...]")
