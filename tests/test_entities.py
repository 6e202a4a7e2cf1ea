"""Entity keys: one node per real organization or person across articles (issue 14).

Place names are real divisions (the keys are built on the division table); the organization
and person names around them are invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exporters.store import bundled_queries, load_store, query_store
from extractor import entities
from extractor.cli import main
from extractor.pipeline import extract_article
from schemas import Article, Evidence, Organization, Person, Source
from tests.conftest import post

SPAN = Evidence(where="paragraph", paragraph=0, start=0, end=2)


def org(name: str, region: str | None = None, role: str = "mentioned", kind: str = "other") -> Organization:
    return Organization(name=name, region=region, role=role, kind=kind, evidence=[SPAN])  # type: ignore[arg-type]


def keys(article_id: str, *orgs: Organization) -> list[str]:
    resolved, _ = entities.resolve_entities(article_id, orgs, [], None, None)
    return [o.entity for o in resolved]


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        # a level word stands for the article's division of that level
        ([org("九江市", "江西省九江市", "subject", "government"), org("市委", None, kind="party")],
         ["九江市", "九江市委"]),
        ([org("青峰局", "江西省"), org("省教育厅", "江西省", kind="government")],
         ["a#青峰局", "江西省教育厅"]),
        # a place name is kept whole; one that two divisions share takes the one above it
        ([org("九江市青峰学院", "江西省九江市", "subject", "university")], ["九江市青峰学院"]),
        ([org("朝阳区青峰局", "吉林省长春市朝阳区", "subject")], ["长春市朝阳区青峰局"]),
        ([org("朝阳区青峰局", "北京市朝阳区", "subject")], ["北京市朝阳区青峰局"]),
        ([org("区委", kind="party"), org("鼓楼区", "江苏省徐州市鼓楼区", "subject")],
         ["徐州市鼓楼区委", "徐州市鼓楼区"]),
        # a short name that keeps its level word is written out
        ([org("红河州青峰局", "云南省红河哈尼族彝族自治州", "subject", "government")],
         ["红河哈尼族彝族自治州青峰局"]),
        # a reference word resolves to the one named organization it may stand for
        ([org("九江青峰学院", "江西省九江市", "subject", "university"), org("该校", kind="university")],
         ["九江青峰学院", "九江青峰学院"]),
        # a bare kind word with no named full form stays local to its article
        ([org("心理青峰中心")], ["a#心理青峰中心"]),
        ([org("学校", kind="school")], ["a#学校"]),
        # a nation-wide body is one entity everywhere
        ([org("国家青峰局", kind="government")], ["国家青峰局"]),
        # a bare short form outside the article's places is no place (友谊 opens 友谊县 only
        # where the article is about that county)
        ([org("友谊青峰医院", kind="hospital")], ["a#友谊青峰医院"]),
    ],
)
def test_organization_keys(mentions: list[Organization], expected: list[str]) -> None:
    assert keys("a", *mentions) == expected


def test_city_committees_of_two_cities_are_two_entities() -> None:
    first = keys("a", org("九江市", "江西省九江市", "subject"), org("市委"))
    second = keys("b", org("岳阳市", "湖南省岳阳市", "subject"), org("市委"))
    assert first[1] != second[1]
    assert {first[1], second[1]} == {"九江市委", "岳阳市委"}
    # the same words in two cities of one name would be told apart by the province
    assert keys("c", org("鼓楼区", "江苏省南京市鼓楼区", "subject"), org("区委"))[1] == "南京市鼓楼区委"


def test_city_committee_without_a_place_never_merges() -> None:
    assert keys("a", org("市委")) != keys("b", org("市委"))


def test_the_same_school_in_two_articles_is_one_entity() -> None:
    one = keys("a", org("九江青峰学院", "江西省九江市", "subject", "university"))
    two = keys(
        "b", org("九江青峰学院", "江西省九江市", "subject", "university"), org("该校", kind="university")
    )
    assert one[0] == two[0] == two[1]


def person(name: str) -> Person:
    return Person(name=name, role="reporter", evidence=SPAN)


def test_people_are_keyed_by_medium() -> None:
    source = Source(name="青峰日报", evidence=Evidence(where="source_line", start=0, end=4))
    _, a = entities.resolve_entities("a", [], [person("张伟")], source, "site")
    _, b = entities.resolve_entities("b", [], [person("张伟")], source, None)
    _, c = entities.resolve_entities("c", [], [person("张伟")], None, "白沙网")
    _, d = entities.resolve_entities("d", [], [person("张 伟")], None, None)
    assert a[0].entity == b[0].entity == "青峰日报/张伟"
    assert c[0].entity == "白沙网/张伟"
    assert d[0].entity == "d#张伟"


def test_every_record_carries_its_keys() -> None:
    body = "<p>九江市青峰学院召开推进会，学校提出三项措施。</p><p>（记者 张伟）</p>"
    article = extract_article("a.md", post(body, 'title: "t"\ntags: 青峰网'))
    assert article.organizations and all(o.entity for o in article.organizations)
    assert all(p.entity for p in article.authors)


def test_a_record_built_without_keys_keeps_them_local() -> None:
    built = Article(id="x", path="x.md", organizations=[org("青峰局")], authors=[person("张伟")])
    assert [o.entity for o in built.organizations] == ["x#青峰局"]
    assert [p.entity for p in built.authors] == ["x#张伟"]
    assert Article.model_validate_json(built.model_dump_json()) == built


def test_level_word_rule_check() -> None:
    assert entities.opens_with_level_word("县政府")
    assert not entities.opens_with_level_word("九江市委")


#: Constructed posts (invented organizations and media; real city names): two cities that
#: both say 市委, one college named in two articles (once as 该校), one reporter name in two media.
POSTS = {
    "a.md": ("九江市推进青峰工程", "本报讯 九江市召开青峰工程推进会，市委提出三项要求。", "张伟", "青峰日报"),
    "b.md": ("岳阳市推进青峰工程", "本报讯 岳阳市召开青峰工程推进会，市委提出三项要求。", "张伟", "白沙晚报"),
    "c.md": ("九江青峰学院推进就业", "九江青峰学院召开就业工作会议。该校推出三项举措。", "张伟", "青峰日报"),
    "d.md": ("九江青峰学院举办招聘会", "九江青峰学院举办春季招聘会，学校组织百家企业进校。", None, "青峰日报"),
}


def test_query_organizations_and_people_across_articles(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (title, text, reporter, medium) in POSTS.items():
        credit = f"<p>（记者 {reporter}）</p>" if reporter else ""
        body = f'<p>{text}</p>{credit}<p class="em_media">（文章来源：{medium}）</p>'
        front = f'title: "{title}"\ndate: 2031-05-07 08:15:00 +0800'
        (folder / name).write_bytes(post(body, front))
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "--format", "rdf", "-j", "1"]) == 0
    load_store([out / "articles.nq"], tmp_path / "kg")
    orgs = query_store(tmp_path / "kg", bundled_queries()["organizations"])
    column = orgs.variables.index
    by_name = {row[column("organization")]: row for row in orgs.rows}
    assert {"九江市委", "岳阳市委"} <= set(by_name)  # two cities' 市委: two entities
    college = by_name["九江青峰学院"]
    assert college[column("articles")] == "2" and college[column("subjectOf")] == "2"
    people = query_store(tmp_path / "kg", bundled_queries()["people"])
    column = people.variables.index
    zhang = sorted((r[column("entity")], r[column("articles")]) for r in people.rows)
    assert [articles for _, articles in zhang] == ["1", "2"]  # 白沙晚报's and 青峰日报's
    assert all(r[column("person")] == "张伟" for r in people.rows)
