"""The jieba user dictionary made from the knowledge base keeps domain terms whole."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, load_knowledge_base
from knowledge.index import Index
from knowledge.synonyms import load_synonyms


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(load_knowledge_base(), load_synonyms())


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("排污许可证快到期了怎么办", "排污许可证"),
        ("危废仓库要符合GB 18597-2023吗", "gb18597"),
        ("危废仓库要符合 gb18597 吗", "gb18597"),
        ("突发环境事件应急预案多久修订一次", "突发环境事件应急预案"),
        ("HJ 944-2018 台账怎么记", "hj944"),
    ],
)
def test_domain_terms_and_standard_numbers_stay_one_word(
    index: Index, question: str, whole: str
) -> None:
    assert whole in index.words(index.prepare(question))


def test_plain_jieba_would_split_the_terms(index: Index) -> None:
    """The point of the user dictionary: jieba's own dictionary cuts 排污许可证 in two."""
    import jieba

    assert "排污许可证" not in jieba.lcut("排污许可证快到期了", HMM=False)
    assert "排污许可证" in index.words(index.prepare("排污许可证快到期了"))


def test_the_trimmed_dictionary_survives_the_index_cache(
    fixture_kb: KnowledgeBase, tmp_path: object
) -> None:
    from pathlib import Path

    from knowledge import Matcher

    assert isinstance(tmp_path, Path)
    Matcher(fixture_kb, cache_dir=tmp_path)
    cached = Matcher(fixture_kb, cache_dir=tmp_path)
    assert cached.index.segmenter is not None
    assert "环境影响评价" in cached.index.words(cached.index.prepare("环评审批要多久"))
