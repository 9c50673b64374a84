"""`python -m astgrad`: the command line (see astgrad.cli)."""

from astgrad.cli import main

raise SystemExit(main())
