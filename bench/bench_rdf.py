"""RDF speed, side by side on one generated corpus, in one run.

1. N-Quads written per second by newsfacts' streaming writer (records -> text, article by
   article) against rdflib's `Dataset.serialize(format="nquads")` of the same quads (the
   rdflib graph is built beforehand and not timed). Target: at least 3x rdflib.
2. Loading the file into a fresh embedded store with `newsfacts load` (exporters.store.load_store)
   against pyoxigraph's own `Store.bulk_load` of the same file. Target: within 1.2x.
   The reload (every graph replaced) is printed too, for information.
3. `newsfacts validate` on one long article's graph at 1x, 4x and 16x its length (a post of
   numbered paragraphs, each a measure group with its items, spans and an organization
   mention): the growth exponent of the time. Target: <= 1.15 (linear).

    python bench/bench_rdf.py            # 1000 articles
    python bench/bench_rdf.py --n 200    # quick check
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from exporters.rdf import NQuadsExporter
from exporters.store import load_store
from schemas import Article, Evidence, Measure, MeasureGroup, Organization, Person, Source

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
PLACES = ["黑龙江省绥化市", "湖南省汨罗市", "云南省红河州", "福建省福州市", "江苏省南京市"]
SUFFIXES = ["学院", "大学", "人民医院", "人民法院", "街道办事处", "供电公司", "中学"]
PUBLISHERS = ["黑龙江日报", "南京日报", "人民网", "新华网", "光明日报", "东北网", "半岛都市报"]
VERBS = ["构建", "实施", "聚焦", "搭建", "组织", "开展", "完善", "依托"]
NOUNS = ["保障", "举措", "平台", "活动", "帮扶", "联动", "调查", "体系", "方式"]
NUMERALS = "一二三四五六七八九"


def article(i: int, rng: random.Random) -> Article:
    """One generated article with a measure tree, people, organizations and evidence."""
    org = f"{rng.choice(PLACES)[-3:]}{rng.choice(SUFFIXES)}{i % 97}"
    paragraphs = [f"{org}坚持以人民为中心，第{i}次推进工作。"]
    groups = []
    for g in range(rng.randint(2, 5)):
        count = rng.randint(2, 4)
        noun = rng.choice(NOUNS)
        label = f"{NUMERALS[count - 1]}个{noun}"
        items, children = [], []
        for k in range(count):
            name = f"{rng.choice(VERBS)}{rng.choice('精准校际网络属地线上')}{noun}"
            text = f"{name}，围绕第{g}组第{k}项落实责任。"
            paragraphs.append(text)
            items.append(
                Measure(
                    name=name,
                    text=text,
                    evidence=Evidence(
                        where="paragraph", paragraph=len(paragraphs) - 1, start=0, end=len(name)
                    ),
                )
            )
            if rng.random() < 0.3:
                children.append(
                    MeasureGroup(
                        label=f"两个{noun}",
                        declared_count=2,
                        items=items[-1:] * 2,
                        parent_item=k,
                    )
                )
        groups.append(
            MeasureGroup(
                label=label,
                declared_count=count if rng.random() < 0.9 else count + 1,
                heading=f"{rng.choice(VERBS)}“{label}”，提升服务水平",
                purpose="提升服务水平",
                items=items,
                children=children,
                evidence=Evidence(where="paragraph", paragraph=0, start=0, end=4),
            )
        )
    people = [
        Person(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            role=rng.choice(["reporter", "correspondent", "editor", "responsible_editor"]),
            evidence=Evidence(where="paragraph", paragraph=0, start=0, end=2),
        )
        for _ in range(rng.randint(1, 3))
    ]
    return Article(
        id=f"BENCH{i:08d}",
        path=f"bench/{i:08d}.md",
        title=f"{org}：打好组合拳第{i}期",
        published=f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}T11:16:43+08:00",
        url=f"http://news.example.cn/html/NewsShare.html?infoCode=BENCH{i:08d}",
        category="bench",
        tags=["生成的新闻"],
        source=Source(
            name=rng.choice(PUBLISHERS), evidence=Evidence(where="source_line", start=6, end=11)
        ),
        organizations=[
            Organization(
                name=org,
                kind="university",
                role="subject",
                region=rng.choice(PLACES),
                evidence=[Evidence(where="paragraph", paragraph=0, start=0, end=len(org))],
            )
        ],
        authors=people,
        measure_groups=groups,
        paragraphs=paragraphs,
        warnings=[],
    )


def best(runs: int, setup: Callable[[], None], work: Callable[[], None]) -> float:
    """Best wall time of `runs` runs of `work`, each after an untimed `setup`."""
    times = []
    for _ in range(runs):
        setup()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Generate, write, load; print the figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles to generate")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--validation-only", action="store_true", help="only part 3")
    args = parser.parse_args()
    rng = random.Random(5)
    articles = [article(i, rng) for i in range(args.n)]
    work = Path(tempfile.mkdtemp(prefix="bench_rdf_"))
    try:
        if args.validation_only:
            validation_growth(work, args.runs)
        else:
            run(articles, work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(articles: list[Article], work: Path, runs: int) -> None:
    """The measurements."""
    ours_dir, nq = work / "ours", work / "ours" / "articles.nq"

    def write_ours() -> None:
        exporter = NQuadsExporter(ours_dir)
        for item in articles:
            exporter.write(item)
        exporter.close()

    t_ours = best(runs, lambda: None, write_ours)
    quads = sum(1 for _ in ox.parse(path=nq, format=ox.RdfFormat.N_QUADS))
    dataset = rdflib.Dataset()
    dataset.parse(nq, format="nquads")
    rdflib_out = work / "rdflib.nq"
    t_rdflib = best(
        max(1, runs - 1), lambda: None, lambda: dataset.serialize(rdflib_out, format="nquads")
    )
    size = nq.stat().st_size / 1e6
    print(f"corpus: {len(articles)} articles, {quads} quads, articles.nq {size:.1f} MB")
    print(f"N-Quads  newsfacts writer : {t_ours:7.3f} s  {quads / t_ours:12,.0f} quads/s")
    print(f"N-Quads  rdflib serialize : {t_rdflib:7.3f} s  {quads / t_rdflib:12,.0f} quads/s")
    ratio = t_rdflib / t_ours
    print(f"  -> newsfacts is {ratio:.1f}x rdflib (target >= 3x): {'OK' if ratio >= 3 else 'MISS'}")

    store_ours, store_ox = work / "kg_ours", work / "kg_ox"

    def fresh(path: Path) -> Callable[[], None]:
        return lambda: shutil.rmtree(path, ignore_errors=True)

    def bulk() -> None:
        store = ox.Store(str(store_ox))
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store

    # Interleaved, alternating which goes first, so that a busy machine hurts both alike.
    t_load, t_bulk = float("inf"), float("inf")
    for turn in range(max(runs, 4)):
        pair = [("ours", store_ours), ("bulk", store_ox)]
        for label, path in pair if turn % 2 == 0 else reversed(pair):
            fresh(path)()
            if label == "ours":
                t_load = min(t_load, best(1, lambda: None, lambda: load_store([nq], store_ours)))
            else:
                t_bulk = min(t_bulk, best(1, lambda: None, bulk))
    t_reload = best(1, lambda: None, lambda: load_store([nq], store_ours))
    print(f"load     newsfacts load   : {t_load:7.3f} s  {quads / t_load:12,.0f} quads/s")
    print(f"load     pyoxigraph bulk  : {t_bulk:7.3f} s  {quads / t_bulk:12,.0f} quads/s")
    print(f"reload   newsfacts load   : {t_reload:7.3f} s  (every graph replaced; for information)")
    factor = t_load / t_bulk
    verdict = "OK" if factor <= 1.2 else "MISS"
    print(f"  -> newsfacts load is {factor:.2f}x pyoxigraph bulk_load (target <= 1.2x): {verdict}")
    validation_growth(work, runs)


def long_article(paragraphs: int) -> Article:
    """One article of `paragraphs` numbered paragraphs, each stating a group of two items."""
    texts = [f"第{i}段：学校实施“两个联动”，校内联动、校外联动。" for i in range(paragraphs)]

    def span(index: int, needle: str) -> Evidence:
        start = texts[index].index(needle)
        return Evidence(where="paragraph", paragraph=index, start=start, end=start + len(needle))

    groups = [
        MeasureGroup(
            label="两个联动",
            declared_count=2,
            heading=text,
            items=[
                Measure(name=name, text=name + "。", evidence=span(i, name))
                for name in ("校内联动", "校外联动")
            ],
            evidence=span(i, "两个联动"),
        )
        for i, text in enumerate(texts)
    ]
    school = Organization(
        name="某某学院",
        kind="university",
        role="subject",
        evidence=[span(i, "学校") for i in range(paragraphs)],
    )
    return Article(
        id=f"LONG{paragraphs}",
        path=f"bench/long{paragraphs}.md",
        title="长文：学校实施联动",
        paragraphs=texts,
        measure_groups=groups,
        organizations=[school],
    )


def validation_growth(work: Path, runs: int) -> None:
    """Time `validate` on one graph at three lengths; print the growth exponent."""
    del runs  # one run each: the sizes themselves take long enough
    from exporters.shacl import validate_file  # noqa: PLC0415 - pyshacl only for this part

    sizes = (250, 1000, 4000)
    times, triples = [], []
    for size in sizes:
        folder = work / f"long{size}"
        exporter = NQuadsExporter(folder)
        exporter.write(long_article(size))
        exporter.close()
        path = folder / "articles.nq"
        triples.append(sum(1 for _ in ox.parse(path=path, format=ox.RdfFormat.N_QUADS)))
        report = validate_file(path)  # warm-up (shapes parsed once) and the check itself
        assert report.conforms, [v.line() for v in report.violations[:5]]
        # CPU time of this process: validation is single-threaded and CPU-bound, and on a
        # shared machine wall time mostly measures the neighbours.
        started = time.process_time()
        validate_file(path)
        times.append(time.process_time() - started)
    for size, count, seconds in zip(sizes, triples, times, strict=True):
        print(
            f"validate one graph of {size:5d} paragraphs ({count:7d} triples): {seconds:7.2f} s CPU"
            f"  {count / seconds:9,.0f} triples/s"
        )
    exponent = math.log(times[-1] / times[0]) / math.log(triples[-1] / triples[0])
    verdict = "OK" if exponent <= 1.15 else "MISS"
    print(f"  -> validation grows as size^{exponent:.2f} (target <= 1.15): {verdict}")


if __name__ == "__main__":
    main()
