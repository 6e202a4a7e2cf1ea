"""Organizations: the subject that acts in the measures, and the ones mentioned.

suffixes.py finds names by their suffix (rules/organizations.yaml: 学院, 厅, 局, 党委 …) in
one Aho-Corasick pass, extended to the left up to a stop word; places (哈尔滨市, 木河乡) come
from the table of administrative divisions and count as organizations when they act.
mentions.py gathers every mention with what it tells; subject.py picks who acts: opening
the title (X：… unless X is an outlet), opening the lead, named in the measure sentences,
referred back to (学校, 我院), crediting the text; an internal body the subject sets up
(成立…领导小组) never is. places.py gives each name its `region`. A mentioned name that is a
description rather than a proper name (星级供电所, 省委常委, 发改委网站) is dropped.
"""

from __future__ import annotations

from extractor import regions
from extractor.document import STRICT_RECORD, Document, FoundOrganization
from extractor.organizations.mentions import article_text, candidates, only_counted, scan
from extractor.organizations.places import fixed_region, region_of
from extractor.organizations.subject import subject_scores, subjects
from extractor.organizations.suffixes import generic_names, is_proper_name, kind_of, names_in
from schemas import Organization, OrgRole

__all__ = [
    "extract_organizations",
    "find_organizations",
    "is_proper_name",
    "kind_of",
    "names_in",
    "subject_scores",
]


def extract_organizations(doc: Document) -> list[Organization]:
    """Organizations named in the article, the subject(s) first, as records."""
    return [
        Organization.model_validate(o, from_attributes=True, strict=STRICT_RECORD)
        for o in find_organizations(doc)
    ]


def find_organizations(doc: Document) -> list[FoundOrganization]:
    """Organizations named in the article, the subject(s) first: their fields, which the
    pipeline validates with the whole Article."""
    text = article_text(doc)  # joined once: scanned, then searched by the subject's stages
    named = scan(doc, text)
    ctx: regions.PlaceCounts | None = None  # the places the article names, counted when first asked
    found_candidates = candidates(doc, named, text)
    subject_names = subjects(doc, found_candidates, text)
    generic = generic_names()
    ordered = sorted(
        found_candidates.values(),
        key=lambda c: (c.name not in subject_names, c.first),
    )
    found = []
    for cand in ordered:
        name = cand.name
        subject = name in subject_names
        # a mentioned name is kept when it is a proper name standing for one body: no bare
        # kind word, no place that does not act, no description, no kind counted (各派出所)
        if not subject and (
            name in generic
            or cand.idle_place
            or not is_proper_name(name)
            or only_counted(doc, cand)
        ):
            continue
        fixed, region = fixed_region(name)
        if not fixed:
            if ctx is None:
                ctx = regions.context_of([places for _, places in named.values()])
            region = region_of(name, ctx)
        role: OrgRole = "subject" if subject else "mentioned"
        found.append(
            FoundOrganization(name, cand.kind, role, region, [m.span for m in cand.mentions])
        )
    return found
