"""Personal numbers however they are written, bank cards among them; and what is no such number."""

import re
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interceptions.masking import mask_fields, mask_text
from tests.interceptions.conftest import history, log
from tests.interceptions.test_masking import luhn_ok

CARD_16 = "6228480012345671"
CARD_17 = "62284800123456782"
CARD_19 = "6222021234567890128"
CARD_19_OLD = "9558801234567890128"


def test_the_card_numbers_used_here_pass_the_luhn_check():
    assert all(luhn_ok(n) for n in (CARD_16, CARD_17, CARD_19, CARD_19_OLD))
    assert not luhn_ok("6222021234567890123")


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        # ID cards in 6-8-4 groups.
        ("身份证 530102 19900101 1234", "身份证 5301**********1234", ["id_card"]),
        ("身份证530102-19900101-123X。", "身份证5301**********123X。", ["id_card"]),
        ("530102\u00a019900101\u00a01234", "5301**********1234", ["id_card"]),
        ("530102 1990 0101 1234", "5301**********1234", ["id_card"]),
        # Mobiles with a country prefix or separators of every kind.
        ("+86 138 1234 5678", "+86 138****5678", ["mobile"]),
        ("+8613812345678", "+86138****5678", ["mobile"]),
        ("0086 138 1234 5678", "0086 138****5678", ["mobile"]),
        ("0086-13812345678", "0086-138****5678", ["mobile"]),
        ("(+86) 138-1234-5678", "(+86) 138****5678", ["mobile"]),
        ("（+86）13812345678", "（+86）138****5678", ["mobile"]),
        ("电话138.1234.5678。", "电话138****5678。", ["mobile"]),
        ("138/1234/5678", "138****5678", ["mobile"]),
        ("(138) 1234 5678", "(138****5678", ["mobile"]),
        ("138\u00a01234\u00a05678", "138****5678", ["mobile"]),
        ("1\u200b38\u200b1234\u200b5678", "138****5678", ["mobile"]),
        ("138\u2060123\u200d45678", "138****5678", ["mobile"]),
        ("１３８－１２３４－５６７８", "１３８****５６７８", ["mobile"]),
        ("2025-06-01 138 1234 5678", "2025-06-01 138****5678", ["mobile"]),
        ("转账86000.00 13812345678", "转账86000.00 138****5678", ["mobile"]),
        # Bank cards: 16–19 digits passing the Luhn check, whole or in fours.
        (f"卡号{CARD_19}已冻结", "卡号6222 **** **** 0128已冻结", ["bank_card"]),
        ("卡号 6222 0212 3456 7890 128", "卡号 6222 **** **** 0128", ["bank_card"]),
        ("6222-0212-3456-7890-128", "6222 **** **** 0128", ["bank_card"]),
        (CARD_16, "6228 **** **** 5671", ["bank_card"]),
        ("6228 4800 1234 5671", "6228 **** **** 5671", ["bank_card"]),
        (CARD_17, "6228 **** **** 6782", ["bank_card"]),
        (CARD_19_OLD, "9558 **** **** 0128", ["bank_card"]),
        (
            f"卡{CARD_16}，电话+86 139 1234 5678",
            "卡6228 **** **** 5671，电话+86 139****5678",
            ["bank_card", "mobile"],
        ),
    ],
)
def test_written_forms_are_masked(text, masked, kinds):
    assert mask_text(text) == (masked, kinds)


@pytest.mark.parametrize(
    "text",
    [
        # Amounts, dates and times are numbers a description needs.
        "老人欲转账86000.00元，柜员劝阻",
        "金额 86000.00 元，日期 2025-06-01",
        "2025年6月1日 14:30 至 2025/06/01 16:00",
        "２０２５年６月１日转账８６０００元",
        "分三笔转出 1000.00、2000.00、3000.00 元",
        "于2025.06.13 14:22:05转出",
        # An amount is not joined with the date or the amount beside it.
        "2025-06-13 8000000.00",
        "2017.03.15 5656554.55",
        "转账 861831.43 52644.08 两笔",
        "182359.28 335.23",
        # Card-length numbers that fail the Luhn check, or start with 0: references.
        "交易流水号6222021234567890123",
        "流水 6222 0212 3456 7890 123",
        "0000000000000000000",
        # A police case number, even between other numbers.
        "案件编号A5333011600002025060012",
        "编号 12345678901234567890123",
    ],
)
def test_numbers_that_are_not_personal_are_kept(text):
    assert mask_text(text) == (text, [])


def test_a_police_case_number_in_its_own_field_is_not_read_as_a_card():
    cleaned, found = mask_fields({"police_case_no": CARD_19, "description": CARD_19})
    assert cleaned == {"police_case_no": CARD_19, "description": "6222 **** **** 0128"}
    assert [(m.field, m.kind) for m in found] == [("description", "bank_card")]
    # An ID or mobile number stays masked there.
    cleaned, _ = mask_fields({"police_case_no": "报案人13812345678"})
    assert cleaned == {"police_case_no": "报案人138****5678"}


async def test_a_bank_card_is_stored_masked_and_said_so(client, world):
    got = await log(
        client,
        world,
        description="受害人卡号 6222 0212 3456 7890 128，手机 +86 138 1234 5678",
        police_case_no=CARD_19,
    )
    assert got["description"] == "受害人卡号 6222 **** **** 0128，手机 +86 138****5678"
    assert got["police_case_no"] == CARD_19
    assert got["masked"] == [
        {"field": "description", "kind": "bank_card"},
        {"field": "description", "kind": "mobile"},
    ]
    stored = await client.get(f"/api/interceptions/{got['id']}", headers=world.auth("admin"))
    assert "3456 7890" not in stored.text
    assert "1234 5678" not in stored.text
    created = (await history(client, world, got["id"]))[0]["changes"]
    assert created["description"] == [None, got["description"]]


# Separators people (and copy-paste) put between digits.
SEPARATORS = [
    " ",
    "-",
    ".",
    "/",
    "\u00a0",
    "\u200b",
    "\u3000",
    "\u2014",
    "\uff0d",
    "\u202f",
    "\u2060",
    "\ufeff",
    "(",
    ")",
    "（",
    "）",
    " - ",
    ") ",
]
# Three or more digits, a lone dot and two digits read as an amount ("7484.89"),
# which the masking never joins with its neighbours; such draws are left out.
AMOUNT_LIKE = re.compile(r"(?<![0-9.])[0-9]{3,}\.[0-9]{2}(?![0-9])")
_FILLER = st.text(alphabet="收款转账电话号码卡身份证，。：abc ", max_size=12)


def spaced(digits: str, gaps: list[str]) -> str:
    """The digits with gaps[i] written after digit i."""
    return "".join(d + (gaps[i] if i < len(digits) - 1 else "") for i, d in enumerate(digits))


def compact(text: str) -> str:
    return "".join(c for c in text if c.isdigit() or c in "Xx*")


def gaps_for(length: int) -> st.SearchStrategy[list[str]]:
    one = st.one_of(st.just(""), st.sampled_from(SEPARATORS))
    return st.lists(one, min_size=length - 1, max_size=length - 1)


@settings(max_examples=150, deadline=None)
@given(
    before=_FILLER,
    after=_FILLER,
    number=st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
    prefix=st.sampled_from(["", "+86 ", "0086 ", "+86", "86-", "(+86) ", "0086-"]),
    gaps=gaps_for(11),
)
def test_a_mobile_with_any_separators_anywhere_never_survives(before, after, number, prefix, gaps):
    text = f"{before}{prefix}{spaced(number, gaps)}{after}"
    assume(not AMOUNT_LIKE.search(text))
    masked, kinds = mask_text(text)
    assert number not in compact(masked)
    assert number[-4:] in masked
    assert kinds == ["mobile"]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    area = draw(st.from_regex(r"\A[1-8][0-9]{5}\Z"))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
    sequence = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    check = draw(st.sampled_from("0123456789X"))
    return f"{area}{born:%Y%m%d}{sequence}{check}"


@settings(max_examples=150, deadline=None)
@given(before=_FILLER, after=_FILLER, number=id_numbers(), gaps=gaps_for(18))
def test_an_id_number_with_any_separators_anywhere_never_survives(before, after, number, gaps):
    text = f"{before}{spaced(number, gaps)}{after}"
    assume(not AMOUNT_LIKE.search(text))
    masked, kinds = mask_text(text)
    assert number not in compact(masked)
    assert kinds in (["id_card"], ["bank_card"])


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    body = draw(st.from_regex(r"\A[1-9][0-9]{14,17}\Z"))
    return next(body + c for c in "0123456789" if luhn_ok(body + c))


@settings(max_examples=150, deadline=None)
@given(
    before=_FILLER,
    after=_FILLER,
    number=card_numbers(),
    separator=st.sampled_from(["", *SEPARATORS]),
)
def test_a_card_whole_or_in_fours_never_survives(before, after, number, separator):
    written = separator.join(number[i : i + 4] for i in range(0, len(number), 4))
    assume(not AMOUNT_LIKE.search(written))
    masked, kinds = mask_text(f"{before}{written}{after}")
    assert number not in compact(masked)
    assert kinds in (["bank_card"], ["id_card"])


@settings(max_examples=150, deadline=None)
@given(
    fen=st.integers(0, 100_000_000_00),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    hour=st.integers(0, 23),
    style=st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]),
    template=st.sampled_from(
        [
            "{day} {hour}:30 转账{amount}元",
            "金额{amount}元，日期{day}",
            "于{day}劝阻，挽回{amount}元。",
            "{amount}",
            "{day}",
        ]
    ),
)
def test_amounts_and_dates_in_a_description_are_kept(fen, day, hour, style, template):
    amount = f"{fen // 100}.{fen % 100:02d}"
    text = template.format(day=day.strftime(style), hour=hour, amount=amount)
    assert mask_text(text) == (text, [])
