"""The `outcomespec` command line (`commands`), its demo (`demo`) and the one way it writes
files (`writing`)."""

from outcomespec.cli.commands import main

__all__ = ["main"]
