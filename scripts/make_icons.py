"""Draw the app's PNG icons (run once; the PNGs are committed under parentapp/static/icons).

Pure Python (zlib and struct): the shapes are the ones in icon.svg and discreet.svg, drawn
with 4x4 supersampling so edges are smooth. Usage: ``.venv/bin/python scripts/make_icons.py``.
"""

import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "parentapp" / "static" / "icons"

RGB = tuple[int, int, int]
# A shape answers "is this point (in the SVG's 64x64 units) inside me?".
Shape = Callable[[float, float], bool]

BRAND: RGB = (0x2F, 0x5D, 0x62)
CREAM: RGB = (0xF4, 0xEF, 0xE6)
SLATE: RGB = (0x4A, 0x55, 0x68)
WHITE: RGB = (0xFF, 0xFF, 0xFF)
SAMPLES = 4


def rounded_square(radius: float) -> Shape:
    def inside(x: float, y: float) -> bool:
        if not (0 <= x <= 64 and 0 <= y <= 64):
            return False
        cx = min(max(x, radius), 64 - radius)
        cy = min(max(y, radius), 64 - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2

    return inside


def circle(cx: float, cy: float, r: float) -> Shape:
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def hump(cx: float, base: float, rx: float, ry: float) -> Shape:
    """The upper half of an ellipse: the shoulders in icon.svg."""
    return lambda x, y: y <= base and ((x - cx) / rx) ** 2 + ((y - base) / ry) ** 2 <= 1


def bar(x0: float, y0: float, x1: float, y1: float) -> Shape:
    return lambda x, y: x0 <= x <= x1 and y0 <= y <= y1


# Layers paint in order; the first is the background.
BRAND_ICON: list[tuple[Shape, RGB]] = [
    (circle(26, 24, 9), CREAM),
    (circle(42, 34, 6), CREAM),
    (hump(26, 54, 14, 17), CREAM),
]
# A neutral "notes" look that says nothing about what the app is for.
DISCREET_ICON: list[tuple[Shape, RGB]] = [
    (bar(16, 18, 48, 23), WHITE),
    (bar(16, 30, 48, 35), WHITE),
    (bar(16, 42, 38, 47), WHITE),
]


def render(size: int, background: RGB, layers: list[tuple[Shape, RGB]], *, maskable: bool) -> bytes:
    """RGBA rows; a maskable icon fills the square and keeps its drawing in the safe zone."""
    backdrop: Shape = (lambda _x, _y: True) if maskable else rounded_square(14)
    # Maskable icons may be cropped to a circle: the drawing shrinks to the middle 70%.
    scale, offset = (0.7, 64 * 0.15) if maskable else (1.0, 0.0)
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # PNG filter type "none" for this row
        for px in range(size):
            totals = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) * 64 / size
                    y = (py + (sy + 0.5) / SAMPLES) * 64 / size
                    if not backdrop(x, y):
                        continue
                    colour = background
                    ux, uy = (x - offset) / scale, (y - offset) / scale
                    for shape, fill in layers:
                        if shape(ux, uy):
                            colour = fill
                    totals[0] += colour[0]
                    totals[1] += colour[1]
                    totals[2] += colour[2]
                    totals[3] += 255
            hits = SAMPLES * SAMPLES
            alpha = totals[3] // hits
            covered = max(totals[3] // 255, 1)
            rows.extend(
                (totals[0] // covered, totals[1] // covered, totals[2] // covered, alpha)
                if alpha
                else (0, 0, 0, 0)
            )
    return bytes(rows)


def png(size: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    sets = {"icon": (BRAND, BRAND_ICON), "discreet": (SLATE, DISCREET_ICON)}
    for name, (background, layers) in sets.items():
        for size, maskable in ((192, False), (512, False), (512, True)):
            suffix = f"-maskable-{size}" if maskable else f"-{size}"
            path = ICONS / f"{name}{suffix}.png"
            path.write_bytes(png(size, render(size, background, layers, maskable=maskable)))
            sys.stdout.write(f"{path.relative_to(ICONS.parents[2])}: {path.stat().st_size} bytes\n")


if __name__ == "__main__":
    main()
