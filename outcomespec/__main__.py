"""`python -m outcomespec …` runs the command line, like the `outcomespec` script."""

from outcomespec.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
