"""newsfacts extractor: file bytes -> typed Article records."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsfacts")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
