"""`python -m newsfacts`: the same command line as the `newsfacts` console script."""

from extractor.script import run

run()
