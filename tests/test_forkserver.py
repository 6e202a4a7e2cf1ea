"""The fork server's warm start: its invented post and page reach every stage of the extractor."""

from __future__ import annotations

import json
import subprocess
import sys

#: Run in a process of its own: importing extractor.forkserver arms PR_SET_PDEATHSIG and
#: freezes the collector, which a test process must not take on.
PROBE = """
import json
import extractor.forkserver as server
from extractor.pipeline import extract_article
found = []
for name, text in (("w.md", server.WARM_UP_POST), ("w.html", server.WARM_UP_PAGE)):
    article = extract_article(name, text.encode("utf-8"))
    found.append({
        "groups": [g.label for g in article.measure_groups],
        "items": sum(len(g.items) for g in article.measure_groups),
        "organizations": [o.region is not None for o in article.organizations],
        "authors": len(article.authors),
        "source": article.source is not None,
        "warnings": article.warnings,
    })
print(json.dumps(found))
"""


def test_the_warm_up_articles_reach_every_stage() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    for article in json.loads(done.stdout):
        assert article["groups"] == ["三个保障"]
        assert article["items"] == 3
        assert article["organizations"] and all(article["organizations"])  # a place found
        assert article["authors"] == 2
        assert article["source"]
        assert article["warnings"] == []
