"""The command line: `python -m astgrad cache|show|train`.

Takes the arguments of `python -m astgrad`, runs one subcommand, and returns its exit status.
Each subcommand is a module of this package with `add_parser(subcommands)`, which declares its
options and sets `run(arguments) -> int`; a subcommand reports a mistake by raising
`astgrad.errors.CommandLineError`. What a user gets wrong (a missing file, an unknown
column) ends as one line on stderr and exit status 2, never a traceback.

    $ python -m astgrad train --hidden 32,16 --epochs 30
"""

from __future__ import annotations

import argparse
import sys

from ..errors import AstgradError
from . import cache, show, train


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m astgrad",
        description="astgrad: reverse-mode gradients of numeric Python by source transformation.")
    subcommands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (train, show, cache):
        module.add_parser(subcommands)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run `python -m astgrad` with `argv` (default: the process's arguments)."""
    arguments = parser().parse_args(argv)
    try:
        return arguments.run(arguments)
    except AstgradError as error:  # CommandLineError and errors in the user's code
        print(f"astgrad {arguments.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"astgrad {arguments.command}: interrupted", file=sys.stderr)
        return 130
