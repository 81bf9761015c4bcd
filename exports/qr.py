"""QR codes of feed addresses, for the posters in the branch halls."""

import io

import segno


def qr_svg(content: str, title: str = "") -> bytes:
    """A standalone SVG document of a QR code; scale suits an A4 poster print."""
    code = segno.make(content, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=8, border=4, title=title or None, xmldecl=True)
    return buffer.getvalue()
