"""`python -m newsfacts`: the same command line as the `newsfacts` console script."""

import sys

from extractor.cli import main

sys.exit(main())
