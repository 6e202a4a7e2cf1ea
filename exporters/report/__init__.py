"""The offline evidence report (`--format html`, `newsfacts report OUT`): every fact in its text."""

from exporters.report.exporter import HtmlExporter

__all__ = ["HtmlExporter"]
