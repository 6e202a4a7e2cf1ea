"""A generated corpus of N posts derived from samples/, for the benchmarks and the batch tests.

Each post is a real sample with a new file name (in folders of 1,000) and a new id
(the `infoCode` of its URL line), so records differ the way they do in an archive;
the text the rules read is the sample's, so extraction does the same work.
`render_page` turns a post into the bare HTML page a crawler would save, for tools
that read pages (trafilatura).
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PER_FOLDER = 1000
URL_LINE = re.compile(r"^<[^<>\s]*>\s*$", re.MULTILINE)
FRONT = re.compile(r"\A---\n(?P<front>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
FIELD = re.compile(r'^(?P<key>title|date):\s*"?(?P<value>.*?)"?\s*$', re.MULTILINE)


def sample_posts() -> list[tuple[str, str]]:
    """(stem, text) of every sample post, in name order."""
    return [
        (path.stem.lstrip("-") or "post", path.read_text("utf-8"))
        for path in sorted(SAMPLES.glob("*.md"))
    ]


def post_text(
    index: int, samples: list[tuple[str, str]], per_folder: int = PER_FOLDER
) -> tuple[str, str]:
    """The relative path and text of generated post number `index`."""
    stem, text = samples[index % len(samples)]
    url = f"<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NB{index:012d}>"
    if URL_LINE.search(text):
        text = URL_LINE.sub(url, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n{url}\n"
    rel = f"{index // per_folder:04d}/{index:07d}-{stem}.md"
    return rel, text


def make_corpus(folder: Path, n: int, per_folder: int = PER_FOLDER) -> list[Path]:
    """Write n posts under folder (reusing it when it already holds them); return their paths."""
    samples = sample_posts()
    paths = []
    for index in range(n):
        rel, text = post_text(index, samples, per_folder)
        path = folder / rel
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def render_page(text: str) -> str:
    """A post as the HTML page a site would serve: head with title and date, article, chrome."""
    match = FRONT.match(text)
    front, body = (match["front"], match["body"]) if match else ("", text)
    fields = {m["key"]: m["value"] for m in FIELD.finditer(front)}
    body = body.split("\n<http", 1)[0]
    if "<p" not in body:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in body.splitlines() if line.strip())
    title = html.escape(fields.get("title", ""))
    date = html.escape(fields.get("date", ""))
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta property="article:published_time" content="{date}">'
        '</head><body><header><nav><a href="/">首页</a> | <a href="/news">新闻</a></nav>'
        f'</header><main><article><h1>{title}</h1><div class="content">{body}</div>'
        "</article></main><footer><p>版权所有 网站地图 联系我们</p></footer></body></html>"
    )


def main() -> None:
    """`python bench/corpus.py OUT --n 20000`: write a corpus to a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    print(f"{len(make_corpus(args.folder, args.n))} posts under {args.folder}")


if __name__ == "__main__":
    main()
