"""Which phone asks, from its User-Agent: the way to subscribe differs on each."""

from typing import Literal

Device = Literal["apple", "android", "wechat", "other"]
DEVICES: tuple[Device, ...] = ("apple", "android", "wechat", "other")


def device_of(user_agent: str) -> Device:
    """WeChat first: its in-app browser runs on iPhones and Android phones alike and
    handles neither webcal:// links nor calendar files, whatever the phone underneath."""
    agent = user_agent.lower()
    if "micromessenger" in agent:
        return "wechat"
    if any(name in agent for name in ("iphone", "ipad", "ipod", "macintosh", "mac os x")):
        # Android browsers never say "Mac OS X"; iPadOS says "Macintosh" like a Mac.
        return "apple" if "android" not in agent else "android"
    if any(name in agent for name in ("android", "harmonyos", "openharmony")):
        return "android"
    return "other"
