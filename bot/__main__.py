"""`python -m bot` behaves exactly like the `kinerja` console script."""

from bot.shell.cli import main

raise SystemExit(main())
