"""The languages of the tables' headers, sheet names and labels, and how one is chosen.

Apart from exporters.tables so that the CLI can offer `--lang` without importing the tables
(their columns and row builders: some 4 ms of a fresh process that only writes JSON).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
#: The analysts read Chinese: headers and sheet names are Chinese unless asked otherwise.
DEFAULT_LANG: Lang = "zh"
#: Environment variable that picks the language (`newsfacts --lang en …` sets it).
LANG_ENV = "NEWSFACTS_LANG"
