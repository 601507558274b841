"""The package's public surface, as the bot imports it."""

from __future__ import annotations

import knowledge


def test_public_names_are_exported() -> None:
    expected = {
        "Citation",
        "Entry",
        "InvalidEntry",
        "KnowledgeBase",
        "KnowledgeBaseError",
        "Lang",
        "Matcher",
        "Outcome",
        "Suggestion",
        "detect_language",
        "lint",
        "load_knowledge_base",
    }
    assert set(knowledge.__all__) == expected
    assert all(hasattr(knowledge, name) for name in expected)


def test_knowledge_base_lookups(fixture_kb: knowledge.KnowledgeBase) -> None:
    entry = fixture_kb.get("eia-approval-time-limit")
    assert entry.category == "procedures"
    assert fixture_kb.by_subcategory("hazardous_waste")[0].id == "hazardous-waste-storage-limit"
    assert [e.id for e in fixture_kb.tagged("emergency")] == ["hazardous-waste-leak-first-steps"]
    assert fixture_kb.by_subcategory("air") == ()


def test_unknown_entry_id_raises_key_error(fixture_kb: knowledge.KnowledgeBase) -> None:
    try:
        fixture_kb.get("no-such-entry")
    except KeyError:
        return
    raise AssertionError("KeyError expected")


def test_citation_in_each_language(fixture_kb: knowledge.KnowledgeBase) -> None:
    entry = fixture_kb.get("eia-approval-time-limit")
    assert entry.citation_for("zh") == "《中华人民共和国环境影响评价法》（2018年修正）第二十二条"
    assert entry.citation_for("en") == "《中华人民共和国环境影响评价法》 (2018 amendment), Art. 22"
    assert (
        entry.citation_for("zh-hant") == "《中華人民共和國環境影響評價法》（2018年修正）第二十二條"
    )


def test_title_is_first_phrasing_in_that_language(fixture_kb: knowledge.KnowledgeBase) -> None:
    entry = fixture_kb.get("hazardous-waste-storage-limit")
    assert entry.title_for("zh") == "危险废物在厂里最多能存多久"
    assert entry.title_for("zh-hant") == "危險廢物在廠裏最多能存多久"
    assert entry.title_for("en") == "How long may we store hazardous waste on site?"
