"""The `fupin` command line: every argparse parser and every print of the project lives in this package."""

from fupin_core.cli.main import main

__all__ = ["main"]
