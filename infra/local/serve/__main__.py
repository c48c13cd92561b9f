"""`python -m infra.local.serve`, as `make serve` runs it."""

import sys

from infra.local.serve.main import main

sys.exit(main())
