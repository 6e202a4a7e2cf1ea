"""`python -m newsfacts`: the same command line as the `newsfacts` console script."""

from extractor.cli import run

run()
