"""Chinese names of the codes the pages show; English falls back to readable codes."""

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

FRAUD_TYPES = {
    "order_brushing": "刷单返利",
    "fake_investment": "虚假投资理财",
    "fake_loan": "虚假网络贷款",
    "fake_customer_service": "冒充电商物流客服",
    "impersonating_authorities": "冒充公检法",
    "impersonating_acquaintance": "冒充领导熟人",
    "fake_credit_repair": "虚假征信",
    "romance_scam": "网络婚恋交友",
    "game_trading": "网络游戏虚假交易",
    "fake_shopping": "虚假购物服务",
    "other": "其他",
}

LANGUAGES = {"zh": "中文", "lis": "ꓡꓲ-ꓢꓴ 傈僳语", "en": "English"}


def label(table: dict[str, str], code: str, locale: str) -> str:
    if locale == "zh_CN":
        return table.get(code, code)
    return code.replace("_", " ")
