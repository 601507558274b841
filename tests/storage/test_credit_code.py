"""Unified social credit codes are checked against GB 32100-2015, check character included."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.credit_code import check_character, validate_credit_code
from storage.enums import EnterpriseKind
from storage.errors import Conflict, InvalidCreditCode
from storage.models import Enterprise
from storage.repositories import enterprises
from tests.storage.factories import make_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q"])
def test_published_codes_are_accepted(code: str) -> None:
    assert validate_credit_code(code) == code


def test_spacing_and_case_are_normalised() -> None:
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason_en", "reason_zh"),
    [
        ("91350100M000100Y44", "wrong check character", "校验位错误"),
        ("91350100M000100Y4", "must be 18 characters, got 17", "应为18位，实为17位"),
        ("91350100M000100I43", "invalid characters I", "含非法字符 I"),
        ("Z1350100M000100Y43", "invalid characters Z", "含非法字符 Z"),
        ("B1350100M000100Y43", "unknown registration authority", "登记管理部门代码无效"),
        ("9135A100M000100Y43", "division code must be 6 digits", "行政区划码应为6位数字"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(code: str, reason_en: str, reason_zh: str) -> None:
    with pytest.raises(InvalidCreditCode) as caught:
        validate_credit_code(code)
    assert caught.value.reason_en == reason_en
    assert caught.value.reason_zh == reason_zh


def test_every_single_character_typo_is_caught() -> None:
    code = make_credit_code(4242)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for i in range(8, 17):  # the organisation code part, where every character is free
        for c in alphabet:
            if c != code[i]:
                typo = code[:i] + c + code[i + 1 :]
                assert check_character(typo[:17]) != typo[17]


async def test_an_enterprise_with_an_invalid_code_is_not_stored(session: AsyncSession) -> None:
    with pytest.raises(InvalidCreditCode):
        await enterprises.create_enterprise(
            session=session,
            kind=EnterpriseKind.small,
            name="坏码厂",
            credit_code="91350100M000100Y44",
        )
    assert await session.scalar(select(func.count()).select_from(Enterprise)) == 0


async def test_a_credit_code_is_stored_once(session: AsyncSession) -> None:
    code = make_credit_code()
    await enterprises.create_enterprise(
        session=session, kind=EnterpriseKind.small, name="甲厂", credit_code=code
    )
    with pytest.raises(Conflict):
        await enterprises.create_enterprise(
            session=session, kind=EnterpriseKind.small, name="乙厂", credit_code=code.lower()
        )
    found = await enterprises.get_by_credit_code(session=session, credit_code=code.lower())
    assert found.name == "甲厂"
