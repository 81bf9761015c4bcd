"""The viewports page tests use: a phone first (what staff carry), then a desktop."""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Pass as `browser.new_context(**PHONE_CONTEXT)`: touch, the phone's pixel ratio, Chinese.
PHONE_CONTEXT = {
    "viewport": PHONE,
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
DESKTOP_CONTEXT = {"viewport": DESKTOP, "locale": "zh-CN"}
