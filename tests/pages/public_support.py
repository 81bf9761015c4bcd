"""What the public page tests share: the demo, phones, and reading a QR code off the screen."""

import io
from typing import Any

import zxingcpp
from PIL import Image

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2218A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2308 MicroMessenger/8.0.47.2560(0x28002F37) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
HUAWEI = (
    "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 "
    "Mobile Safari/537.36"
)
PHONE = {"width": 390, "height": 844}


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot, read by ZXing as a phone would."""
    image = Image.open(io.BytesIO(png)).convert("L")
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one QR code, ZXing found {len(found)}"
    return str(found[0].text)


async def phone_page(browser: Any, user_agent: str | None = None, **options: Any) -> Any:
    settings = {
        "viewport": PHONE,
        "locale": "zh-CN",
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
        **({"user_agent": user_agent} if user_agent else {}),
        **options,
    }
    context = await browser.new_context(**settings)
    return await context.new_page()


async def qr_target(page: Any, selector: str = ".qr svg") -> str:
    element = page.locator(selector)
    assert await element.count() == 1
    return decode_qr(await element.screenshot())
