#!/usr/bin/env python3
"""The client as one script, for those who run it from a checkout: the carbon_governor package
beside it does the work (``pip install clients/python`` installs it, with the
``carbon-governor-client`` command).

    from carbon_governor_client import CarbonGovernorClient, CarbonGovernorError
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from carbon_governor.cli import main  # noqa: E402
from carbon_governor.client import DEFAULT_SOCKET, CarbonGovernorClient, CarbonGovernorError  # noqa: E402,F401
from carbon_governor.gpus import visible_gpus  # noqa: E402,F401

if __name__ == "__main__":
    sys.exit(main())
