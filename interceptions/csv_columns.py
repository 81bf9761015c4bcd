"""Column names of interception spreadsheets: one source for the import and the export.

The import reads either the API field names or the Chinese titles; the export
writes the Chinese titles, so an exported file can be imported back. Coded
values (channel, fraud type, age band) may be written as codes or as the
Chinese labels below.
"""

# Columns the import reads, in the documented order: API name → Chinese title.
IMPORT_COLUMNS: dict[str, str] = {
    "client_ref": "客户端编号",
    "occurred_at": "发生时间",
    "branch_code": "网点代码",
    "channel": "渠道",
    "fraud_type": "诈骗类型",
    "amount_saved": "挽回金额(元)",
    "victim_age_band": "受害人年龄段",
    "description": "情况说明",
    "event_id": "关联活动ID",
    "attribution_note": "归因说明",
    "police_case_no": "警情编号",
}

REQUIRED_COLUMNS = ("client_ref", "occurred_at", "channel", "fraud_type", "amount_saved")

# Read-only columns an export adds; the import ignores them.
EXPORT_ONLY_COLUMNS: dict[str, str] = {
    "id": "记录ID",
    "currency": "币种",
    "status": "审核状态",
    "review_note": "审核意见",
    "logged_by": "登记人",
    "created_at": "登记时间",
}

# The export's column order: its own id first, then what the import reads back.
EXPORT_COLUMNS: dict[str, str] = {
    "id": EXPORT_ONLY_COLUMNS["id"],
    **IMPORT_COLUMNS,
    **{k: v for k, v in EXPORT_ONLY_COLUMNS.items() if k != "id"},
}

# Text people typed: an export guards it against running as a formula (core/formula_guard.py)
# and the import undoes that guard, so a round trip gives back the stored text.
GUARDED_COLUMNS = frozenset(
    {"client_ref", "description", "attribution_note", "police_case_no", "review_note", "logged_by"}
)

FRAUD_TYPE_LABELS: dict[str, str] = {
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

CHANNEL_LABELS: dict[str, str] = {
    "counter": "柜面",
    "phone_callback": "电话回访",
    "atm": "自助设备",
    "mobile_banking": "手机银行",
    "home_visit": "上门走访",
    "police_referral": "公安推送",
    "other": "其他",
}

AGE_BAND_LABELS: dict[str, str] = {
    "under_18": "18岁以下",
    "18_34": "18-34岁",
    "35_59": "35-59岁",
    "60_plus": "60岁及以上",
    "unknown": "未知",
}

STATUS_LABELS: dict[str, str] = {"logged": "待审核", "verified": "已核实", "rejected": "已驳回"}

_ALIASES = {
    **{name: name for name in IMPORT_COLUMNS},
    **{title: name for name, title in IMPORT_COLUMNS.items()},
    # Titles typed by hand often use full-width brackets or leave the unit off.
    "挽回金额（元）": "amount_saved",
    "挽回金额": "amount_saved",
    "关联活动id": "event_id",
}


def column_for(header: str) -> str | None:
    """The import field a header cell names, or None for a column the import ignores."""
    cleaned = header.strip().lstrip("\ufeff").strip()
    return _ALIASES.get(cleaned) or _ALIASES.get(cleaned.lower())


def code_for(value: str, labels: dict[str, str]) -> str | None:
    """A code written as itself or as its Chinese label."""
    text = value.strip()
    if text in labels:
        return text
    for code, label in labels.items():
        if text == label:
            return code
    return None
