"""Imported only by multiprocessing's fork server (a preload of `LocalEngine`), never by users.

The fork server is the parent of every worker; workers end when it ends (their
PR_SET_PDEATHSIG), and this makes it end when the newsfacts process ends, however it
ends (kill -9 included). Without it, the server waits for its workers, which hold its
"parent alive" pipe open, and they wait for tasks that never come: both survive.

It also makes what every worker builds on its first file (the rule files and their
patterns, the region table, the names model, the record models' schemas: 0.1-0.2 s) and
the exporters' preparers it runs (their modules and tables: 25-60 ms each) be built once,
here: the server extracts two invented articles, a post and a page, prepares the default
outputs' rows of the post (workbook, CSV, N-Quads), then
freezes what it holds, so that each worker forked from it starts warm and shares those
pages with the server instead of building its own copy (again at every pool replacement).
"""

import contextlib
import gc
import importlib

from extractor.engines import die_with_parent
from extractor.script import no_plugin_loader

die_with_parent()
# As in the console script (whose PYDANTIC_DISABLE_PLUGINS the server inherits): no
# importlib.metadata for pydantic's plugin search when every plugin is off.
no_plugin_loader()

# Imported after die_with_parent: a server whose parent is gone must not linger in imports.
from exporters.csv import CsvLines  # noqa: E402
from exporters.jsonl import article_line  # noqa: E402
from exporters.rdf import NQuadsExporter  # noqa: E402
from exporters.xlsx_rows import ExcelRows  # noqa: E402
from extractor.pipeline import extract_article  # noqa: E402

#: What a worker imports before its first task, imported once here rather than in each worker
#: (15-40 ms a worker, on the way to the run's first result, and again at each pool
#: replacement): the pool's worker loop, its queues' locks and its initializer, the batch's
#: chunk function and its bounds, and what multiprocessing runs to set up `__mp_main__`.
WORKER_MODULES = (
    "concurrent.futures.process",
    "multiprocessing.popen_forkserver",
    "multiprocessing.synchronize",
    "runpy",
    "pkgutil",
    "resource",
    "extractor.batch",
    "extractor.pool",
)

#: An invented post (words of no real article) that reaches every stage: a place, an
#: organization, a count label with its items, a byline, a source line, a URL. Its front
#: matter is flat, as that of the corpora's posts: a flow list (`tags: [a]`) would have the
#: server import PyYAML (4 ms of the preload) for a reading real posts seldom need.
WARM_UP_POST = """---
title: 青川县白沙学院构建“三个保障”推进就业
date: 2021-01-01 10:00:00 +0800
categories: warmup
tags: 示例
---
<p>今年以来，青川县白沙学院构建“三个保障”，推进毕业生就业。</p>
<p>一是构建组织保障，成立工作专班。二是构建政策保障，出台帮扶措施。三是构建服务保障，开展线上招聘。</p>
<p>（记者 董立新 通讯员 钱明）</p>
<p class="em_media">（文章来源：东湖日报）</p>
<http://example.invalid/news.html?infoCode=NW000000000000000000>
"""
#: The same as a saved page: the page reader's rules (navigation, the article's block).
WARM_UP_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>青川县白沙学院构建“三个保障”推进就业</title></head><body>
<nav><a href="/">首页</a> <a href="/news">新闻</a></nav>
<article><h1>青川县白沙学院构建“三个保障”推进就业</h1>
{WARM_UP_POST.split("---", 2)[2]}</article><footer>版权所有</footer></body></html>"""


def warm_up() -> None:
    """Extract and serialise the invented articles once, and prepare the post's rows of the
    default outputs; a failure only leaves the workers cold."""
    for name, text in (("warm-up.md", WARM_UP_POST), ("warm-up.html", WARM_UP_PAGE)):
        # The workers report real failures, file by file; here one only means a cold start.
        with contextlib.suppress(Exception):
            article = extract_article(name, text.encode("utf-8"))
            article_line(article)
            if name.endswith(".md"):
                for prepare in (ExcelRows("zh"), CsvLines("zh"), NQuadsExporter.render):
                    prepare(article)


for module in WORKER_MODULES:
    importlib.import_module(module)
warm_up()
# Moved out of the collector's reach: no collection in a worker walks (and so copies) the
# server's objects; the workers' own objects are collected as usual.
gc.freeze()
