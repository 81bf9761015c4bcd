"""The labels of every choice the coordinator pages offer: Chinese first, English second.

Codes are what the API stores; people read these labels, never the codes.
"""

from core.home_zone import HOME_ZONE_NAME
from interceptions.csv_columns import AGE_BAND_LABELS, CHANNEL_LABELS, FRAUD_TYPE_LABELS

# code → (Chinese, English)
Labels = dict[str, tuple[str, str]]

THEMES: Labels = {
    "consumer_rights_315": ("3·15消费者权益日", "3·15 Consumer Rights Day"),
    "finance_knowledge_home": ("金融知识进万家", "Financial knowledge to every home"),
    "cybersecurity_week": ("国家网络安全宣传周", "National Cybersecurity Week"),
    "finance_education_week": ("金融教育宣传周", "Financial Education Week"),
    "anti_fraud_month": ("打击治理电信网络诈骗犯罪集中宣传月", "Anti-telecom-fraud month"),
    "finance_knowledge_tour": ("普及金融知识万里行", "Financial knowledge tour"),
    "local": ("本地活动", "Local drive"),
}
KINDS: Labels = {
    "lecture": ("反诈讲座", "Anti-fraud lecture"),
    "salon": ("厅堂微沙龙", "Hall micro-salon"),
    "community_visit": ("走进社区", "Community visit"),
    "campus_visit": ("走进校园", "Campus visit"),
    "village_visit": ("走进村镇", "Village visit"),
    "enterprise_visit": ("走进企业", "Enterprise visit"),
    "home_visit": ("上门服务", "Home visit"),
    "online": ("线上活动", "Online"),
    "other": ("其他活动", "Other"),
}
VENUE_TYPES: Labels = {
    "branch_hall": ("网点营业厅", "Branch hall"),
    "enterprise": ("企业", "Enterprise"),
    "community": ("社区", "Community"),
    "campus": ("校园", "Campus"),
    "village": ("村镇", "Village"),
    "inclusive_finance_point": ("普惠金融服务点", "Inclusive-finance service point"),
    "online": ("线上", "Online"),
    "other": ("其他", "Other"),
}
AUDIENCES: Labels = {
    "elderly": ("老年人", "Elderly"),
    "students": ("学生", "Students"),
    "merchants": ("商户", "Merchants"),
    "rural": ("农村居民", "Rural residents"),
    "migrant_workers": ("务工人员", "Migrant workers"),
    "general": ("社会公众", "General public"),
}
LANGUAGES: Labels = {
    "zh": ("中文", "Chinese"),
    "lis": ("傈僳语", "Lisu"),
    "en": ("英语", "English"),
}
STATUSES: Labels = {
    "draft": ("草稿", "Draft"),
    "scheduled": ("已发布", "Scheduled"),
    "cancelled": ("已取消", "Cancelled"),
    "completed": ("已完成", "Completed"),
}
VISIBILITIES: Labels = {
    "public": ("公开", "Public"),
    "internal": ("内部", "Internal"),
}
FREQUENCIES: Labels = {
    "": ("不重复", "Does not repeat"),
    "DAILY": ("每天", "Daily"),
    "WEEKLY": ("每周", "Weekly"),
    "MONTHLY": ("每月", "Monthly"),
}
WEEKDAYS: Labels = {
    "MO": ("周一", "Mon"),
    "TU": ("周二", "Tue"),
    "WE": ("周三", "Wed"),
    "TH": ("周四", "Thu"),
    "FR": ("周五", "Fri"),
    "SA": ("周六", "Sat"),
    "SU": ("周日", "Sun"),
}
TIMEZONES: Labels = {
    HOME_ZONE_NAME: ("北京时间", "China time (Asia/Shanghai)"),
    "Asia/Yangon": ("缅甸时间", "Myanmar time (Asia/Yangon)"),
    "UTC": ("协调世界时", "UTC"),
}
FRAUD_TYPES: Labels = {code: (zh, code.replace("_", " ")) for code, zh in FRAUD_TYPE_LABELS.items()}
CHANNELS: Labels = {code: (zh, code.replace("_", " ")) for code, zh in CHANNEL_LABELS.items()}
AGE_BANDS: Labels = {
    "under_18": (AGE_BAND_LABELS["under_18"], "Under 18"),
    "18_34": (AGE_BAND_LABELS["18_34"], "18-34"),
    "35_59": (AGE_BAND_LABELS["35_59"], "35-59"),
    "60_plus": (AGE_BAND_LABELS["60_plus"], "60 and over"),
    "unknown": (AGE_BAND_LABELS["unknown"], "Unknown"),
}


def label(table: Labels, code: str | None, locale: str) -> str:
    """The label of a code in the page's language; an unknown code is shown as it is."""
    if code is None:
        return ""
    names = table.get(code)
    if names is None:
        return code
    return names[0] if locale == "zh_CN" else names[1]


def options(table: Labels, locale: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a <select> or a set of checkboxes, in the table's order."""
    return [(code, label(table, code, locale)) for code in table]
