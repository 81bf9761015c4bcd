"""QR codes of subscribe addresses, for pages and the posters in the branch halls."""

import io
from html import escape

import segno


def qr_svg(content: str, title: str = "") -> bytes:
    """A standalone SVG document of a QR code; scale suits an A4 poster print."""
    code = segno.make(content, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=8, border=4, title=title or None, xmldecl=True)
    return buffer.getvalue()


def qr_inline(content: str, label: str) -> str:
    """An SVG element for an HTML page: one unit per module and a viewBox, so CSS may
    scale it to any size and the whole code is still drawn (with its quiet zone)."""
    code = segno.make(content, error="m", micro=False)
    svg: str = code.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None, light="#fff"
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
