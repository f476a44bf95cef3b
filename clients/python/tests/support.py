"""What the tests share: the framework stand-ins on sys.path, a client with no daemon behind it,
and a stand-in for the part of ``torch.cuda`` the GPU mapping reads."""

import os
import sys
import tempfile
import warnings
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

STANDINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "standins")
if STANDINS not in sys.path:
    sys.path.insert(0, STANDINS)

from carbon_governor import CarbonGovernorClient, CarbonGovernorWarning  # noqa: E402


def client_without_daemon() -> CarbonGovernorClient:
    """A client whose socket does not exist: every call fails as with no daemon running."""
    return CarbonGovernorClient(socket_path=os.path.join(tempfile.mkdtemp(), "no-daemon.sock"))


def governor_warnings(caught: List[warnings.WarningMessage]) -> List[str]:
    return [str(w.message) for w in caught if issubclass(w.category, CarbonGovernorWarning)]


class FakeCuda:
    """``torch.cuda`` as the mapping reads it: is_available, device_count, get_device_name,
    get_device_properties(i).uuid (PyTorch 2.x has it; ``uuids=None`` plays an older one)."""

    def __init__(self, names: List[str], uuids: Optional[List[str]] = None) -> None:
        self.names = names
        self.uuids = uuids

    def is_available(self) -> bool:
        return True

    def device_count(self) -> int:
        return len(self.names)

    def get_device_name(self, i: int) -> str:
        return self.names[i]

    def get_device_properties(self, i: int) -> Any:
        props: Dict[str, Any] = {"name": self.names[i]}
        if self.uuids is not None:
            props["uuid"] = self.uuids[i]
        return SimpleNamespace(**props)


class FakeTorch:
    def __init__(self, cuda: FakeCuda) -> None:
        self.cuda = cuda
        self.version = SimpleNamespace(hip=None)


class Env:
    """Sets and restores environment variables and sys.modules entries."""

    def __init__(self) -> None:
        self._env: Dict[str, Optional[str]] = {}
        self._modules: Dict[str, Any] = {}

    def set(self, name: str, value: Optional[str]) -> None:
        self._env.setdefault(name, os.environ.get(name))
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def module(self, name: str, module: Any) -> None:
        self._modules.setdefault(name, sys.modules.get(name))
        sys.modules[name] = module

    def restore(self) -> None:
        for name, value in self._env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for name, module in self._modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
