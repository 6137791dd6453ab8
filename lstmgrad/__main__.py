"""``python -m lstmgrad``: the same program as the ``lstmgrad`` command."""

from lstmgrad.cli import main

raise SystemExit(main())
