"""Publication dates as DESIGN.md wants them: offset kept, Beijing time, no made-up midnight."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Final

from extractor import rules

#: A value longer than this is shown by its start and length in a warning (a date is at most
#: 30: `2021年12月22日 11时16分43秒 +08:00`).
MAX_SHOWN_CHARS: Final = 64
#: How much of a long value a warning shows.
SHOWN_PREFIX: Final = 24


def default_offset() -> str:
    """The offset assumed for a time written without one (+08:00, Beijing)."""
    return rules.strings("dates", "default_offset")[0]


def parse_date(raw: str) -> tuple[str | None, str | None]:
    """Parse a written date; return (ISO value or None, warning or None).

    `2021-12-22 11:16:43 +0800` -> `2021-12-22T11:16:43+08:00`; `2018-11-29` stays a date;
    `+0800` alone or an impossible date gives None and says why. The patterns are linear in
    the length of the value, so a value padded with any number of spaces is safe to parse.
    """
    text = raw.strip()
    if not text:
        return None, None
    for pattern in rules.patterns("dates", "datetime"):
        match = pattern.match(text)
        if match:
            return _from_match(match, raw)
    return None, f"published: no date in {_shown(text)}"


def find_date(text: str) -> str | None:
    """The first well-formed date written inside running text, or None."""
    for pattern in rules.patterns("dates", "in_text"):
        for match in pattern.finditer(text):
            value, warning = _from_match(match, match.group(0))
            if value and not warning:
                return value
    return None


def _from_match(match: re.Match[str], raw: str) -> tuple[str | None, str | None]:
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
    except ValueError:
        return None, f"published: impossible date {_shown(raw.strip())}"
    if parts.get("H") is None:
        return day.isoformat(), None
    try:
        offset = _offset(parts.get("tz") or default_offset())
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(parts["H"]),
            int(parts["M"]),
            int(parts.get("S") or 0),
            tzinfo=offset,
        )
    except ValueError:
        return None, f"published: impossible time {_shown(raw.strip())}"
    return moment.isoformat(), None


def _shown(text: str) -> str:
    """A value as a warning quotes it: whole, or its start and length when it is long."""
    if len(text) > MAX_SHOWN_CHARS:
        return f"a value of {len(text)} characters ({text[:SHOWN_PREFIX]!r}…)"
    return repr(text)


@lru_cache(maxsize=256)  # a corpus writes a handful of offsets; building one costs 2 us
def _offset(tz: str) -> timezone:
    if tz == "Z":
        return UTC
    sign = -1 if tz.startswith("-") else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise ValueError(f"offset out of range: {tz}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def is_date_value(text: str) -> bool:
    """Rule check (dates.yaml `datetime`): the whole value reads as a date."""
    return parse_date(text)[0] is not None


def has_date_in_text(text: str) -> bool:
    """Rule check (dates.yaml `in_text`): running text holds a well-formed date."""
    return find_date(text) is not None


def is_beijing_time(text: str) -> bool:
    """Rule check (dates.yaml `default_offset`): the value's time is read as +08:00."""
    value = parse_date(text)[0]
    return value is not None and value.endswith(default_offset())
