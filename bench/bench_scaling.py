"""Growth of every extraction stage with input size: CPU seconds at 1x, 16x, 256x, and exponents.

    python -m bench.bench_scaling [--input NAME ...] [--runs 5]

Inputs (each built at run time; the 256x size is what the issue names):
- `reference`: the reference post with its paragraphs repeated 1, 16, 256 times (256x: 3,840
  paragraphs);
- `real-paragraph`: one paragraph of real text joined from the bulk corpus (the xwlb items;
  the samples when the corpus is absent), 4 KB, 64 KB, 1 MB of UTF-8;
- `quotes`, `numerals`, `organizations`, `book-titles`, `dun-lists`: one paragraph of 256,
  4K, 64K characters of quoted count labels (构建“三个保障”), numerals, organization names,
  book titles (《…》) and `、`-lists, made of invented words.

Stages, each timed on the document the stages before it filled in (as the pipeline runs
them): read_document, extract_source, extract_measure_groups, extract_authors,
extract_organizations, and building the Article with its `model_dump_json`. A stage's
time is the minimum CPU time over several runs (fewer when one run is long), so another
process on the machine does not count. The exponent is the log-log slope between 16x and
256x of the stage's time against the document's length; a stage whose 256x time is under
FLOOR_SECONDS is reported as `fast` (its growth is noise, not work). Target: every
exponent <= TARGET_EXPONENT; the exit code is 1 when one is above it.
"""

from __future__ import annotations

import argparse
import gc
import math
import re
import sys
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.authors import extract_authors
from extractor.document import Document
from extractor.measures import extract_measure_groups
from extractor.organizations import extract_organizations
from extractor.pipeline import article_of
from extractor.reader import read_document
from extractor.source import extract_source

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "samples" / "2021-12-22-NW202112222222391066.md"
BULK = ROOT.parent / "shared" / "corpus" / "bulk" / "xwlb-10k.tar.xz"

SCALES = (1, 16, 256)
#: At 256x: one paragraph of 1 MB of real text, 64K characters of each synthetic kind.
PARAGRAPH_BYTES_AT_256 = 1_000_000
SYNTHETIC_CHARS_AT_256 = 64_000
TARGET_EXPONENT = 1.15
#: A stage under this at 256x does no work worth a growth figure (timer and cache noise).
FLOOR_SECONDS = 0.005
#: Runs per measurement: at most MAX_RUNS, stopping once RUN_BUDGET seconds are spent; one
#: run is enough when it takes longer than LONG_RUN (noise is small beside it).
MAX_RUNS = 5
RUN_BUDGET = 1.0
LONG_RUN = 2.0

FRONT = '---\nlayout: post\ntitle: "t"\ndate: 2021-12-22 11:16:43 +0800\n---\n'
URL = "\n<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NB000000000001>\n"
PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.DOTALL)
TAG = re.compile(r"<[^>]*>")
#: Markup characters left after the tags are cut (stray `<`, entities): dropped, so the
#: paragraph reads back as the same text.
NOT_TEXT = str.maketrans("", "", "<>&")

# --- inputs -------------------------------------------------------------------------------


def post(paragraphs: list[str]) -> bytes:
    """A post of these paragraphs (their text is HTML-safe: no `<`, `>`, `&`)."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (FRONT + body + URL).encode("utf-8")


def reference_post(scale: int) -> bytes:
    """The reference post with its paragraphs (not its source line) repeated `scale` times."""
    text = REFERENCE.read_text("utf-8")
    head, rest = text.split("\n---\n", 1)
    body, tail = rest.split('<p class="em_media">', 1)
    return f"{head}\n---\n{body * scale}<p class=\"em_media\">{tail}".encode()


def real_paragraph_texts() -> Iterator[str]:
    """Paragraph texts of real articles: the bulk corpus's items in order, else the samples."""
    if BULK.exists():
        with tarfile.open(BULK, "r:xz") as archive:
            for member in archive:
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None:
                    yield from _paragraph_texts(handle.read().decode("utf-8"))
    samples = sorted((ROOT / "samples").glob("*.md"))
    while True:  # the samples hold ~200 KB: repeated for the larger sizes
        for path in samples:
            yield from _paragraph_texts(path.read_text("utf-8"))


def _paragraph_texts(text: str) -> list[str]:
    out = []
    for match in PARAGRAPH.finditer(text):
        words = TAG.sub("", match.group(1)).translate(NOT_TEXT).strip()
        if words:
            out.append(words)
    return out


def real_paragraph(size_bytes: int) -> str:
    """One paragraph of real text, at least `size_bytes` of UTF-8 (whole source paragraphs)."""
    parts, size = [], 0
    for text in real_paragraph_texts():
        parts.append(text)
        size += len(text.encode("utf-8"))
        if size >= size_bytes:
            break
    return "".join(parts)


NUMERALS = "一二三四五六七八九十"
HEADS = ["保障", "到位", "联动", "结合", "服务", "机制", "平台", "体系"]
PLACES = ["东湖", "西岭", "南江", "北原", "青山", "白水", "红石", "金沙", "云溪", "松林"]
LEVELS = ["市", "县", "区", "镇", "街道"]
BODIES = ["教育局", "人民政府", "卫生健康委员会", "人民法院", "职业技术学院", "供销合作社"]
TOPICS = ["就业", "养老", "防汛", "交通", "垃圾分类", "物业"]
KINDS = ["管理办法", "实施细则", "工作方案", "条例", "白皮书"]


#: Numerals as news text has them: ordinals, unquoted counts, number words, figures.
NUMERAL_FORMS = ["第{c}，", "{c}个{h}，", "{n}、", "{d}%，"]


def chinese_number(n: int) -> str:
    """1..9999 as Chinese numerals (一千二百三十四), for varied numerals."""
    digits = "零一二三四五六七八九"
    out = ""
    for unit, value in (("千", 1000), ("百", 100), ("十", 10)):
        if n >= value:
            out += digits[n // value] + unit
            n %= value
    return out + (digits[n] if n else "")


def _pick(words: list[str], i: int) -> str:
    return words[i % len(words)]


#: Item makers of the synthetic kinds: item number -> text (invented words only).
SYNTHETIC: dict[str, Callable[[int], str]] = {
    "quotes": lambda i: f"构建“{NUMERALS[1 + i % 8]}个{_pick(HEADS, i // 8)}”，",
    "numerals": lambda i: NUMERAL_FORMS[i % len(NUMERAL_FORMS)].format(
        c=NUMERALS[i % 10], n=chinese_number(1 + i % 9999), d=i, h=_pick(HEADS, i // 4)
    ),
    "organizations": lambda i: (
        f"{_pick(PLACES, i)}{_pick(PLACES, i // 10)}{_pick(LEVELS, i // 3)}"
        f"{_pick(BODIES, i // 7)}开展工作，"
    ),
    "book-titles": lambda i: (
        f"《{_pick(PLACES, i)}{_pick(LEVELS, i // 10)}"
        f"{_pick(TOPICS, i // 5)}{_pick(KINDS, i // 3)}》、"
    ),
    "dun-lists": lambda i: (
        f"{_pick(PLACES, i // 5)}{_pick(TOPICS, i)}工作法" + ("。" if i % 6 == 5 else "、")
    ),
}


def synthetic(kind: str, chars: int) -> str:
    """At least `chars` characters of one kind (whole items), ending with `。`."""
    parts, size, i = [], 0, 0
    while size < chars:
        part = SYNTHETIC[kind](i)
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:-1] + "。"


def build_input(name: str, scale: int) -> bytes:
    """The post of input `name` at `scale` (1, 16 or 256)."""
    if name == "reference":
        return reference_post(scale)
    if name == "real-paragraph":
        return post([real_paragraph(PARAGRAPH_BYTES_AT_256 * scale // SCALES[-1])])
    return post([synthetic(name, SYNTHETIC_CHARS_AT_256 * scale // SCALES[-1])])


INPUTS = ["reference", "real-paragraph", *SYNTHETIC]

# --- stages -------------------------------------------------------------------------------

#: The field extractors in pipeline order, by their public names (a later one reads the
#: facts of earlier ones).
FIELDS: list[tuple[str, str, Callable[[Document], Any]]] = [
    ("extract_source", "source", extract_source),
    ("extract_measure_groups", "measure_groups", extract_measure_groups),
    ("extract_authors", "authors", extract_authors),
    ("extract_organizations", "organizations", extract_organizations),
]
STAGES = ["read_document", *(name for name, _, _ in FIELDS), "article_json"]


def best_time(work: Callable[[], object]) -> float:
    """Minimum CPU seconds of `work` over a few runs; raises what `work` raises."""
    best, spent, runs = math.inf, 0.0, 0
    while runs < MAX_RUNS and spent < RUN_BUDGET:
        gc.collect()
        started = time.process_time()
        work()
        took = time.process_time() - started
        best, spent, runs = min(best, took), spent + took, runs + 1
        if took > LONG_RUN:
            break
    return best


def time_stages(data: bytes) -> tuple[int, dict[str, float | str]]:
    """(characters of the document, stage -> best seconds or the error it raised)."""
    times: dict[str, float | str] = {}
    times["read_document"] = best_time(lambda: read_document("post.md", data))
    doc = read_document("post.md", data)
    for stage, field, extractor in FIELDS:
        try:
            times[stage] = best_time(lambda extractor=extractor: extractor(doc))  # type: ignore[misc]
            setattr(doc.facts, field, extractor(doc))
        except Exception as exc:  # noqa: BLE001 - the table shows which stage fails and how
            times[stage] = f"error: {type(exc).__name__}"
    try:
        times["article_json"] = best_time(lambda: article_of(doc).model_dump_json())
    except Exception as exc:  # noqa: BLE001 - e.g. a tree too deep to serialise
        times["article_json"] = f"error: {type(exc).__name__}"
    return len(doc.text), times


def exponent(low: tuple[int, float | str], high: tuple[int, float | str]) -> str:
    """The growth exponent from 16x to 256x, or why there is none."""
    (n_low, t_low), (n_high, t_high) = low, high
    if isinstance(t_high, str) or isinstance(t_low, str):
        return "error"
    if t_high < FLOOR_SECONDS:
        return "fast"
    slope = math.log(t_high / max(t_low, 1e-9)) / math.log(n_high / n_low)
    return f"{slope:.2f}"


def main() -> int:
    """Print one table per input and a summary of the exponents over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", action="append", choices=INPUTS, help="default: all")
    args = parser.parse_args()
    over: list[str] = []
    for name in args.input or INPUTS:
        rows = {scale: time_stages(build_input(name, scale)) for scale in SCALES}
        sizes = "  ".join(f"{scale}x={rows[scale][0]:,} chars" for scale in SCALES)
        print(f"\n{name}: {sizes}")
        print(f"{'stage':24}" + "".join(f"{f'{s}x s':>12}" for s in SCALES) + f"{'exponent':>10}")
        for stage in STAGES:
            cells = []
            for scale in SCALES:
                value = rows[scale][1][stage]
                cells.append(f"{value:>12.4f}" if isinstance(value, float) else f"{value:>12}")
            slope = exponent(
                (rows[16][0], rows[16][1][stage]), (rows[256][0], rows[256][1][stage])
            )
            print(f"{stage:24}{''.join(cells)}{slope:>10}")
            if slope == "error" or (slope != "fast" and float(slope) > TARGET_EXPONENT):
                at_256 = rows[256][1][stage]
                seconds = f"{at_256:.2f} s" if isinstance(at_256, float) else at_256
                over.append(f"{stage} on {name}: exponent {slope}, {seconds} at 256x")
        sys.stdout.flush()
    print(f"\nover the target (exponent > {TARGET_EXPONENT} or failing): {len(over)}")
    for line in over:
        print(f"  {line}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
