"""Chinese names of the codes the pages show; English falls back to readable codes."""

from interceptions.csv_columns import FRAUD_TYPE_LABELS

KINDS = {
    "lecture": "反诈讲座",
    "salon": "厅堂微沙龙",
    "community_visit": "走进社区",
    "campus_visit": "走进校园",
    "village_visit": "走进村镇",
    "enterprise_visit": "走进企业",
    "home_visit": "上门服务",
    "online": "线上活动",
    "other": "其他活动",
}

FRAUD_TYPES = FRAUD_TYPE_LABELS

AUDIENCES = {
    "elderly": "老年人",
    "students": "学生",
    "merchants": "商户",
    "rural": "农村居民",
    "migrant_workers": "务工人员",
    "general": "社会公众",
}

LANGUAGES = {"zh": "中文", "lis": "ꓡꓲ-ꓢꓴ 傈僳语", "en": "English"}


def label(table: dict[str, str], code: str, locale: str) -> str:
    if locale == "zh_CN":
        return table.get(code, code)
    return code.replace("_", " ")
