"""`python -m bot` behaves exactly like the `kinerja` console script."""

from bot.cli import main

raise SystemExit(main())
