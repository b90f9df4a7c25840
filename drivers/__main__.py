"""``python -m drivers``: technician commands (see ``python -m drivers --help``)."""

import sys

from drivers.cli import main

sys.exit(main())
