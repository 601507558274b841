"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V):
registration authority (1), organisation type (1), administrative division (6 digits),
organisation code (9) and a check character computed over the first 17 with weights 3^i mod 31.
"""

from __future__ import annotations

from storage.errors import InvalidCreditCode

__all__ = ["ALPHABET", "check_character", "normalize_credit_code", "validate_credit_code"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# Registration authorities: 1 organisation departments … 9 industry & commerce, A central
# military commission, N agriculture, Y other.
_AUTHORITIES = frozenset("123456789ANY")


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code.

    Raises:
        InvalidCreditCode: if ``first17`` is not 17 characters of the code alphabet.
    """
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise InvalidCreditCode(first17, "前17位含非法字符", "invalid characters in the first 17")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(code: str) -> str:
    """Strip blanks and upper-case a code as typed or pasted from a spreadsheet."""
    return "".join(code.split()).upper()


def validate_credit_code(code: str) -> str:
    """Return the normalised code, or raise with a reason in Chinese and English.

    Raises:
        InvalidCreditCode: wrong length, characters outside the alphabet, an unknown registration
            authority, a non-numeric division code, or a wrong check character.
    """
    norm = normalize_credit_code(code)
    if len(norm) != 18:
        raise InvalidCreditCode(
            code, f"应为18位，实为{len(norm)}位", f"must be 18 characters, got {len(norm)}"
        )
    bad = sorted({c for c in norm if c not in _VALUE})
    if bad:
        shown = "".join(bad)
        raise InvalidCreditCode(code, f"含非法字符 {shown}", f"invalid characters {shown}")
    if norm[0] not in _AUTHORITIES:
        raise InvalidCreditCode(code, "登记管理部门代码无效", "unknown registration authority")
    if not norm[2:8].isdigit():
        raise InvalidCreditCode(code, "行政区划码应为6位数字", "division code must be 6 digits")
    if check_character(norm[:17]) != norm[17]:
        raise InvalidCreditCode(code, "校验位错误", "wrong check character")
    return norm
