"""Draw the home-screen icons (PNG 192 and 512) and the SVG favicon: a white cross on the portal's blue.

Pure Python (zlib), no image library: ``python scripts/make_icons.py`` rewrites static/icons/. The PNGs are full
bleed, so they also serve as maskable icons (the cross stays inside the 80 % safe zone).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BLUE = (0x0B, 0x5C, 0xAD)
WHITE = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parents[1] / "static" / "icons"


def in_cross(x: float, y: float) -> bool:
    """The cross on a unit square: two bars 0.22 wide and 0.56 long, centred."""
    half_long, half_wide = 0.28, 0.11
    dx, dy = abs(x - 0.5), abs(y - 0.5)
    return (dx <= half_wide and dy <= half_long) or (dy <= half_wide and dx <= half_long)


def png(size: int) -> bytes:
    rows = []
    for row in range(size):
        pixels = bytearray([0])  # filter: none
        for col in range(size):
            pixels.extend(WHITE if in_cross((col + 0.5) / size, (row + 0.5) / size) else BLUE)
        rows.append(bytes(pixels))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" rx="18" fill="#0b5cad"/>
<path d="M39 22h22v17h17v22H61v17H39V61H22V39h17z" fill="#fff"/>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
    (OUT / "favicon.svg").write_text(SVG)


if __name__ == "__main__":
    main()
