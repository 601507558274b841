"""The synonym and abbreviation table and its expansion."""

from __future__ import annotations

import pytest

from knowledge.normaliser import normalise
from knowledge.synonyms import build_table, load_synonyms


@pytest.mark.parametrize(
    ("question", "expanded"),
    [
        ("危废暂存间", "危险废物贮存设施"),
        ("排污证到期", "排污许可证到期"),
        ("噪音扰民", "噪声扰民"),
        ("环保税怎么算", "环境保护税怎么算"),
        ("一般固废台帐", "一般工业固体废物台账"),
        ("vocs治理", "挥发性有机物治理"),
        # English wordings of validity and of the quarterly tax period meet the Chinese phrasings.
        ("is the permit still good for a year", "is the permit still 有效期 a year"),
        ("do we pay it every quarter", "do we pay it 按季"),
        ("环保税每个季度交一次", "环境保护税按季交一次"),
    ],
)
def test_abbreviations_expand_to_canonical_terms(question: str, expanded: str) -> None:
    assert load_synonyms().expand(normalise(question)) == expanded


def test_english_terms_map_onto_chinese_ones() -> None:
    table = load_synonyms()
    assert table.expand("storing hazardous waste") == "贮存 危险废物"
    assert table.found("an environmental impact assessment") == ["环境影响评价"]


def test_english_variants_match_whole_words_and_plurals() -> None:
    table = load_synonyms()
    assert table.expand("show me") == "show me"
    assert table.expand("two emergency plans") == "two 突发环境事件应急预案"


def test_canonical_term_is_not_broken_by_a_shorter_variant() -> None:
    table = build_table({"厂界": []}, {"企业": ["厂"]})
    assert table.expand("厂界噪声") == "厂界噪声"
    assert table.expand("厂里噪声") == "企业里噪声"


def test_everyday_words_are_not_domain_evidence() -> None:
    table = load_synonyms()
    assert "危险废物" in table.domain
    assert "罚款" not in table.domain
    assert "企业" not in table.domain
