"""Error `detail` in the caller's language: Chinese for `Accept-Language: zh…`, else English."""

import pytest

from tests.events.conftest import event_body
from tests.interceptions.conftest import new_body

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


async def _detail(client, method: str, path: str, headers: dict[str, str], **kwargs) -> str:
    response = await client.request(method, path, headers=headers, **kwargs)
    assert 400 <= response.status_code < 500, response.text
    return response.json()["detail"]


async def test_a_record_that_is_not_there_is_said_in_both_languages(client, world):
    admin = world.auth("admin")
    assert await _detail(client, "GET", "/api/events/999", {**admin, **ZH}) == (
        "未找到活动 999，或您无权查看。"
    )
    assert await _detail(client, "GET", "/api/events/999", {**admin, **EN}) == (
        "Event 999 was not found, or you may not see it."
    )
    # No language asked for: an API client gets English.
    assert await _detail(client, "GET", "/api/events/999", admin) == (
        "Event 999 was not found, or you may not see it."
    )


async def test_a_too_long_text_names_the_field_by_its_label(client, world):
    body = new_body(description="长" * 4001)
    headers = world.auth("staff_lk")
    chinese = await _detail(client, "POST", "/api/interceptions", {**headers, **ZH}, json=body)
    assert chinese == "请求无效：描述：最多 4000 个字符"
    english = await _detail(client, "POST", "/api/interceptions", {**headers, **EN}, json=body)
    assert english == "The request is not valid — description: Expected `str` of length <= 4000"


async def test_validation_texts_read_as_chinese(client, world):
    coord = {**world.auth("coord"), **ZH}
    missing = {k: v for k, v in event_body().items() if k != "title"}
    assert await _detail(client, "POST", "/api/events", coord, json=missing) == (
        "请求无效：请求正文：缺少必填字段“标题”"
    )
    wrong = {**event_body(), "title": 5}
    assert await _detail(client, "POST", "/api/events", coord, json=wrong) == (
        "请求无效：标题：应为文本，收到的是整数"
    )
    event = {"event": "0"}
    assert await _detail(client, "GET", "/api/interceptions", coord, params=event) == (
        "请求无效：活动：应为不小于 1 的整数"
    )
    assert await _detail(
        client, "GET", "/api/occurrences", coord, params={"from": "2025-01-01"}
    ) == ("缺少必填的查询参数“to”（/api/occurrences?from=2025-01-01）")


async def test_a_rule_with_parameters_places_them_where_chinese_wants_them(client, world):
    coord = world.auth("coord")
    window = {"from": "2025-03-20", "to": "2025-13-45"}
    assert await _detail(client, "GET", "/api/events", {**coord, **ZH}, params=window) == (
        "“to”：“2025-13-45”不是日期或时间；请写成 2025-03-01 或 2025-03-01T09:00:00+08:00 的形式。"
    )
    rule = {**event_body(), "rrule": "FREQ=WEEKLY;BYDAY=XX"}
    chinese = await _detail(client, "POST", "/api/events", {**coord, **ZH}, json=rule)
    assert chinese.startswith("BYDAY=XX 无效：")
    english = await _detail(client, "POST", "/api/events", {**coord, **EN}, json=rule)
    assert english.startswith("BYDAY=XX is not valid:")


async def test_a_guard_and_a_domain_error_inside_a_rule_are_translated(client, world):
    staff = {**world.auth("staff_lk"), **ZH}
    assert await _detail(client, "POST", "/api/campaigns", staff, json={}) in {
        "只有协调员和管理员可以管理宣传活动。",
        "此操作需要 coordinator 角色；您当前登录的角色是 staff。",
    }
    amount = new_body(amount_saved="1,000")
    detail = await _detail(client, "POST", "/api/interceptions", staff, json=amount)
    assert detail == (
        "挽回金额：“1,000”不是以元为单位的金额：请只写数字，最多两位小数，不加分隔符，例如“86000.00”"
    )


@pytest.mark.parametrize("lang", ["zh_CN", "zh-Hans-CN"])
async def test_the_pages_language_choice_carries_to_the_api(client, world, lang):
    """The pages keep the chosen language in a cookie; their calls to the API send it."""
    client.cookies.set("fangzha_lang", lang)
    try:
        detail = await _detail(client, "GET", "/api/nothing-here", world.auth("admin"))
    finally:
        client.cookies.clear()
    assert detail == "/api/nothing-here 处没有内容。"


async def test_an_unknown_language_gets_english_from_the_api(client, world):
    headers = {**world.auth("admin"), "Accept-Language": "fr-FR"}
    assert await _detail(client, "GET", "/api/nothing-here", headers) == (
        "There is nothing at /api/nothing-here."
    )


async def test_a_browser_opening_a_page_gets_chinese_by_default(client):
    """Pages are Chinese first: a refusal on a page a browser opens is Chinese too."""
    refused = await client.get(
        "/events/1", headers={"Host": "evil.example", "Accept": "text/html,*/*;q=0.8"}
    )
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("本服务器不响应该主机名")
    english = await client.get(
        "/events/1?lang=en", headers={"Host": "evil.example", "Accept": "text/html"}
    )
    assert english.json()["detail"].startswith("This server does not answer to that host name")


async def test_a_refused_csv_import_is_summed_up_and_explained_in_chinese(client, world):
    from tests.interceptions.test_csv_import import row, to_csv

    data = to_csv([row(1), row(2, amount_saved="很多"), row(3, client_ref="csv-1")])
    headers = world.auth("staff_lk")

    async def refused(language: dict[str, str]) -> dict:
        response = await client.post(
            "/api/imports/interceptions",
            files={"file": ("interceptions.csv", data, "text/csv")},
            headers={**headers, **language},
        )
        assert response.status_code == 422, response.text
        return response.json()

    chinese, english = await refused(ZH), await refused(EN)
    assert chinese["detail"].startswith("未导入任何记录：2 行有问题。第 3 行，amount_saved：")
    assert "已出现在本文件第 2 行" in chinese["detail"]
    assert [e["reason"] for e in chinese["errors"]][1] == "'csv-1' 已出现在本文件第 2 行"
    assert english["detail"].startswith("Nothing was imported: 2 rows have problems. row 3, ")
    assert english["errors"][1]["reason"] == "'csv-1' is already on row 2 of this file"
    # Every reason is worded in Chinese: no English word left in them.
    for error in chinese["errors"]:
        assert not any(word in error["reason"] for word in ("is ", "the ", "not ")), error


async def test_a_refused_calendar_import_is_explained_in_chinese(client, world):
    from tests.events.test_calendar_import import ics, vevent

    body = ics(vevent("a@police", "讲座"), vevent("a@police", "重复"))
    response = await client.post(
        "/api/imports/calendar",
        files={"file": ("police.ics", body, "text/calendar")},
        data={"branch_id": str(world.branches["NJ"])},
        headers={**world.auth("coord"), **ZH},
    )
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["detail"] == (
        "未导入任何活动：1 个活动有问题。第 2 个活动“重复”：它的 UID 在日历文件中出现了两次。"
    )
    assert answer["errors"][0]["reason"] == "它的 UID 在日历文件中出现了两次。"
