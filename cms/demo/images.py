"""Pictures for the demo, drawn with Pillow so the demo needs no network.

Each picture is deterministic for its name (same seed, same drawing), so a demo
loaded twice looks the same. Functions return JPEG bytes.
"""

import io
import math
import random
import zlib
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

from producers.text import fold

RGB = tuple[int, int, int]
Point = tuple[float, float]

# Fonts with Vietnamese glyphs found on common Linux systems; Pillow's own font is
# the fallback (its glyph coverage is partial, so text is then folded to ASCII).
FONT_CANDIDATES = {
    True: [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
        "/Library/Fonts/Arial Bold.ttf",
        "C:/Windows/Fonts/arialbd.ttf",
    ],
    False: [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/Library/Fonts/Arial.ttf",
        "C:/Windows/Fonts/arial.ttf",
    ],
}


@cache
def _font(size: int, bold: bool = False) -> tuple[ImageFont.ImageFont, bool]:
    """A font and whether it can draw Vietnamese diacritics."""
    for path in FONT_CANDIDATES[bold]:
        try:
            return ImageFont.truetype(path, size), True
        except OSError:
            continue
    return ImageFont.load_default(size), False


def _text(draw, xy, text, size, fill, bold=False, anchor="la"):
    font, full = _font(size, bold)
    draw.text(xy, text if full else fold(text), font=font, fill=fill, anchor=anchor)


def _text_width(text: str, size: int, bold: bool = False) -> float:
    font, full = _font(size, bold)
    return font.getlength(text if full else fold(text))


def _wrap(text: str, size: int, width: float, bold: bool = False) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("|".join(parts).encode()))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _lighten(colour: RGB, t: float) -> RGB:
    return _mix(colour, (255, 255, 255), t)


def _darken(colour: RGB, t: float) -> RGB:
    return _mix(colour, (0, 0, 0), t)


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB, diagonal: bool = False):
    mask = Image.linear_gradient("L")
    if diagonal:
        # Average of a vertical and a horizontal ramp: a smooth corner-to-corner fade.
        mask = ImageChops.add(mask, mask.rotate(90), scale=2)
    mask = mask.resize(size, Image.BICUBIC)
    return ImageOps.colorize(mask, top, bottom).convert("RGB")


def _jpeg(image: Image.Image, quality: int = 84) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, progressive=True)
    return buffer.getvalue()


def _glow(image: Image.Image, centre: Point, radius: float, colour: RGB, alpha=150):
    """Soft light behind the subject, so it stands out from the background."""
    # Blurred at a quarter of the size and scaled up: same look, far less work.
    scale = 4
    small = (max(1, image.width // scale), max(1, image.height // scale))
    layer = Image.new("L", small, 0)
    x, y, r = centre[0] / scale, centre[1] / scale, radius / scale
    ImageDraw.Draw(layer).ellipse((x - r, y - r, x + r, y + r), fill=alpha)
    layer = layer.filter(ImageFilter.GaussianBlur(r / 3)).resize(
        image.size, Image.BILINEAR
    )
    image.paste(Image.new("RGB", image.size, colour), (0, 0), layer)


def _shadow(draw, cx: float, y: float, width: float, colour: RGB):
    draw.ellipse((cx - width / 2, y - 14, cx + width / 2, y + 14), fill=colour)


def _rotate(points, angle, origin):
    ox, oy = origin
    c, s = math.cos(angle), math.sin(angle)
    return [(ox + x * c - y * s, oy + x * s + y * c) for x, y in points]


def _leaf(draw, base: Point, length, width, angle, fill, vein):
    outline = [
        (t / 20 * length, width / 2 * math.sin(math.pi * t / 20) ** 0.8)
        for t in range(21)
    ]
    outline += [(x, -y) for x, y in reversed(outline)]
    draw.polygon(_rotate(outline, angle, base), fill=fill)
    draw.line(_rotate([(0, 0), (length * 0.92, 0)], angle, base), fill=vein, width=3)


# Subjects, each drawn around the centre (cx, cy) at scale s (about 300 px).


def _draw_leaf(draw, cx, cy, s, rnd):
    green, dark = (67, 160, 71), (27, 94, 32)
    _shadow(draw, cx, cy + s * 0.45, s * 0.9, (0, 0, 0, 40))
    for angle, length, shade in (
        (-2.2, 0.75, 0.0),
        (-1.2, 0.85, 0.15),
        (-0.4, 0.7, 0.3),
    ):
        _leaf(
            draw,
            (cx - s * 0.05, cy + s * 0.35),
            s * length,
            s * 0.36,
            angle,
            _lighten(green, shade),
            _darken(dark, 0.1),
        )
    draw.line(
        (cx - s * 0.05, cy + s * 0.35, cx - s * 0.1, cy + s * 0.5), fill=dark, width=6
    )


def _round_fruit(draw, cx, cy, r, fill, rnd, leaf=True, dots=True):
    draw.ellipse(
        (cx - r, cy - r, cx + r, cy + r), fill=fill, outline=_darken(fill, 0.2), width=3
    )
    if dots:
        for _ in range(40):
            a, d = rnd.uniform(0, 2 * math.pi), rnd.uniform(0, r * 0.85)
            x, y = cx + d * math.cos(a), cy + d * math.sin(a)
            draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=_darken(fill, 0.08))
    draw.ellipse(
        (cx - r * 0.55, cy - r * 0.65, cx - r * 0.15, cy - r * 0.35),
        fill=_lighten(fill, 0.45),
    )
    if leaf:
        _leaf(
            draw,
            (cx + r * 0.05, cy - r * 0.92),
            r * 0.7,
            r * 0.3,
            -0.5,
            (76, 150, 60),
            (40, 90, 35),
        )


def _draw_orange(draw, cx, cy, s, rnd):
    _shadow(draw, cx, cy + s * 0.42, s * 1.1, (0, 0, 0, 45))
    _round_fruit(draw, cx + s * 0.28, cy + s * 0.1, s * 0.3, (245, 140, 20), rnd)
    _round_fruit(draw, cx - s * 0.22, cy + s * 0.05, s * 0.36, (250, 152, 30), rnd)


def _draw_pomelo(draw, cx, cy, s, rnd):
    _shadow(draw, cx, cy + s * 0.45, s * 0.9, (0, 0, 0, 45))
    fill = (190, 205, 70)
    draw.ellipse(
        (cx - s * 0.42, cy - s * 0.3, cx + s * 0.42, cy + s * 0.45),
        fill=fill,
        outline=_darken(fill, 0.2),
        width=3,
    )
    draw.ellipse((cx - s * 0.3, cy - s * 0.45, cx + s * 0.3, cy + s * 0.1), fill=fill)
    draw.ellipse(
        (cx - s * 0.25, cy - s * 0.3, cx - s * 0.05, cy - s * 0.12),
        fill=_lighten(fill, 0.4),
    )
    _leaf(
        draw, (cx, cy - s * 0.45), s * 0.35, s * 0.14, -0.6, (76, 150, 60), (40, 90, 35)
    )


def _draw_passion(draw, cx, cy, s, rnd):
    _shadow(draw, cx, cy + s * 0.42, s * 1.0, (0, 0, 0, 45))
    _round_fruit(
        draw, cx - s * 0.2, cy + s * 0.05, s * 0.33, (106, 27, 84), rnd, dots=False
    )
    r = s * 0.3
    x, y = cx + s * 0.3, cy + s * 0.12
    draw.ellipse((x - r, y - r, x + r, y + r), fill=(90, 22, 70))
    draw.ellipse(
        (x - r * 0.85, y - r * 0.85, x + r * 0.85, y + r * 0.85), fill=(245, 236, 200)
    )
    draw.ellipse(
        (x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7), fill=(250, 190, 30)
    )
    for _ in range(28):
        a, d = rnd.uniform(0, 2 * math.pi), rnd.uniform(0, r * 0.6)
        px, py = x + d * math.cos(a), y + d * math.sin(a)
        draw.ellipse((px - 4, py - 4, px + 4, py + 4), fill=(40, 30, 20))


def _label(draw, box, colour, rnd):
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(
        box, radius=10, fill=(250, 245, 230), outline=_darken(colour, 0.2), width=3
    )
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(x1 - x0, y1 - y0) * 0.28
    draw.regular_polygon((cx, cy, r), 6, fill=colour)
    draw.regular_polygon((cx, cy, r * 0.55), 6, fill=_lighten(colour, 0.5))


def _draw_jar(draw, cx, cy, s, rnd):
    # Honey from different flowers differs in colour; so do the demo jars.
    amber = _mix(
        (214, 140, 20), rnd.choice([(240, 190, 60), (150, 70, 10)]), rnd.random() * 0.5
    )
    _shadow(draw, cx, cy + s * 0.5, s * 0.8, (0, 0, 0, 50))
    body = (cx - s * 0.3, cy - s * 0.25, cx + s * 0.3, cy + s * 0.5)
    draw.rounded_rectangle(
        body, radius=s * 0.1, fill=amber, outline=_darken(amber, 0.3), width=4
    )
    draw.rounded_rectangle(
        (cx - s * 0.24, cy - s * 0.2, cx - s * 0.16, cy + s * 0.42),
        radius=6,
        fill=_lighten(amber, 0.35),
    )
    draw.rounded_rectangle(
        (cx - s * 0.26, cy - s * 0.4, cx + s * 0.26, cy - s * 0.25),
        radius=10,
        fill=(120, 70, 30),
    )
    draw.rectangle(
        (cx - s * 0.3, cy - s * 0.3, cx + s * 0.3, cy - s * 0.26), fill=(230, 220, 200)
    )
    _label(
        draw,
        (cx - s * 0.2, cy - s * 0.02, cx + s * 0.2, cy + s * 0.3),
        (180, 110, 20),
        rnd,
    )


def _draw_bottle(draw, cx, cy, s, rnd):
    liquid = _mix(
        (150, 75, 25), rnd.choice([(200, 150, 60), (90, 40, 15)]), rnd.random() * 0.6
    )
    _shadow(draw, cx, cy + s * 0.55, s * 0.6, (0, 0, 0, 50))
    draw.rounded_rectangle(
        (cx - s * 0.18, cy - s * 0.15, cx + s * 0.18, cy + s * 0.55),
        radius=s * 0.07,
        fill=liquid,
        outline=_darken(liquid, 0.4),
        width=4,
    )
    draw.polygon(
        [
            (cx - s * 0.18, cy - s * 0.1),
            (cx - s * 0.07, cy - s * 0.35),
            (cx + s * 0.07, cy - s * 0.35),
            (cx + s * 0.18, cy - s * 0.1),
        ],
        fill=liquid,
    )
    draw.rectangle(
        (cx - s * 0.07, cy - s * 0.55, cx + s * 0.07, cy - s * 0.33), fill=liquid
    )
    draw.rounded_rectangle(
        (cx - s * 0.09, cy - s * 0.65, cx + s * 0.09, cy - s * 0.52),
        radius=6,
        fill=(200, 40, 40),
    )
    draw.rectangle(
        (cx - s * 0.14, cy - s * 0.1, cx - s * 0.1, cy + s * 0.48),
        fill=_lighten(liquid, 0.3),
    )
    _label(
        draw,
        (cx - s * 0.16, cy + s * 0.05, cx + s * 0.16, cy + s * 0.35),
        (21, 101, 140),
        rnd,
    )


def _draw_sack(draw, cx, cy, s, rnd):
    cloth = (236, 224, 196)
    _shadow(draw, cx, cy + s * 0.52, s * 0.9, (0, 0, 0, 45))
    draw.polygon(
        [
            (cx - s * 0.3, cy - s * 0.3),
            (cx + s * 0.3, cy - s * 0.3),
            (cx + s * 0.38, cy + s * 0.5),
            (cx - s * 0.38, cy + s * 0.5),
        ],
        fill=cloth,
        outline=(170, 150, 110),
    )
    draw.polygon(
        [
            (cx - s * 0.3, cy - s * 0.3),
            (cx - s * 0.12, cy - s * 0.48),
            (cx + s * 0.12, cy - s * 0.48),
            (cx + s * 0.3, cy - s * 0.3),
        ],
        fill=_darken(cloth, 0.06),
    )
    draw.line(
        (cx - s * 0.16, cy - s * 0.33, cx + s * 0.16, cy - s * 0.33),
        fill=(150, 100, 50),
        width=8,
    )
    _label(
        draw,
        (cx - s * 0.22, cy - s * 0.05, cx + s * 0.22, cy + s * 0.3),
        (176, 137, 64),
        rnd,
    )
    _grains(draw, cx + s * 0.45, cy + s * 0.45, s * 0.2, rnd)


def _grains(draw, cx, cy, spread, rnd, n=30):
    for _ in range(n):
        x, y = (
            cx + rnd.uniform(-spread, spread),
            cy + rnd.uniform(-spread / 3, spread / 4),
        )
        a = rnd.uniform(0, math.pi)
        pts = _rotate([(-7, -3), (7, -3), (7, 3), (-7, 3)], a, (x, y))
        draw.polygon(pts, fill=(250, 248, 238), outline=(200, 190, 170))


def _draw_bowl(draw, cx, cy, s, rnd):
    _shadow(draw, cx, cy + s * 0.42, s * 0.95, (0, 0, 0, 45))
    draw.ellipse(
        (cx - s * 0.36, cy - s * 0.3, cx + s * 0.36, cy + s * 0.1), fill=(252, 250, 242)
    )
    _grains(draw, cx, cy - s * 0.12, s * 0.28, rnd, n=45)
    draw.chord(
        (cx - s * 0.45, cy - s * 0.3, cx + s * 0.45, cy + s * 0.45),
        0,
        180,
        fill=(60, 100, 160),
        outline=(40, 70, 120),
        width=4,
    )
    draw.line(
        (cx - s * 0.38, cy + s * 0.12, cx + s * 0.38, cy + s * 0.12),
        fill=(240, 240, 250),
        width=5,
    )


def _draw_box(draw, cx, cy, s, rnd):
    red = (178, 34, 34)
    _shadow(draw, cx, cy + s * 0.45, s * 1.0, (0, 0, 0, 50))
    draw.rectangle((cx - s * 0.4, cy - s * 0.15, cx + s * 0.4, cy + s * 0.45), fill=red)
    draw.rectangle(
        (cx - s * 0.45, cy - s * 0.3, cx + s * 0.45, cy - s * 0.12),
        fill=_darken(red, 0.15),
    )
    gold = (235, 190, 60)
    draw.rectangle(
        (cx - s * 0.05, cy - s * 0.3, cx + s * 0.05, cy + s * 0.45), fill=gold
    )
    draw.ellipse(
        (cx - s * 0.2, cy - s * 0.45, cx - s * 0.01, cy - s * 0.28),
        outline=gold,
        width=8,
    )
    draw.ellipse(
        (cx + s * 0.01, cy - s * 0.45, cx + s * 0.2, cy - s * 0.28),
        outline=gold,
        width=8,
    )


def _draw_tea_bag(draw, cx, cy, s, rnd):
    kraft = (196, 158, 110)
    _shadow(draw, cx, cy + s * 0.52, s * 0.8, (0, 0, 0, 45))
    draw.rounded_rectangle(
        (cx - s * 0.3, cy - s * 0.4, cx + s * 0.3, cy + s * 0.5),
        radius=12,
        fill=kraft,
        outline=_darken(kraft, 0.25),
        width=3,
    )
    draw.rectangle(
        (cx - s * 0.3, cy - s * 0.4, cx + s * 0.3, cy - s * 0.3),
        fill=_darken(kraft, 0.12),
    )
    draw.rounded_rectangle(
        (cx - s * 0.2, cy - s * 0.15, cx + s * 0.2, cy + s * 0.3),
        radius=10,
        fill=(250, 246, 235),
    )
    _leaf(
        draw,
        (cx - s * 0.12, cy + s * 0.2),
        s * 0.3,
        s * 0.14,
        -0.8,
        (67, 160, 71),
        (27, 94, 32),
    )
    _leaf(
        draw,
        (cx - s * 0.05, cy + s * 0.2),
        s * 0.22,
        s * 0.1,
        -1.6,
        (56, 142, 60),
        (27, 94, 32),
    )


def _draw_ginger(draw, cx, cy, s, rnd):
    skin = (205, 160, 100)
    _shadow(draw, cx, cy + s * 0.35, s * 1.0, (0, 0, 0, 45))
    for _ in range(7):
        x, y = (
            cx + rnd.uniform(-s * 0.35, s * 0.35),
            cy + rnd.uniform(-s * 0.15, s * 0.2),
        )
        w, h = rnd.uniform(s * 0.18, s * 0.3), rnd.uniform(s * 0.1, s * 0.16)
        shade = rnd.uniform(0, 0.15)
        draw.ellipse(
            (x - w, y - h, x + w, y + h),
            fill=_darken(skin, shade),
            outline=_darken(skin, 0.3),
            width=2,
        )
    for _ in range(6):
        x, y = cx + rnd.uniform(-s * 0.3, s * 0.3), cy + rnd.uniform(-s * 0.1, s * 0.15)
        draw.arc(
            (x - 12, y - 6, x + 12, y + 6), 200, 340, fill=_darken(skin, 0.35), width=2
        )


def _draw_powder(draw, cx, cy, s, rnd):
    yellow = (240, 170, 20)
    _shadow(draw, cx, cy + s * 0.45, s * 1.1, (0, 0, 0, 45))
    draw.chord(
        (cx - s * 0.5, cy + s * 0.05, cx + s * 0.1, cy + s * 0.7), 180, 360, fill=yellow
    )
    for _ in range(60):
        x, y = (
            cx - s * 0.2 + rnd.uniform(-s * 0.28, s * 0.28),
            cy + s * 0.38 + rnd.uniform(-s * 0.2, 0),
        )
        draw.point((x, y), fill=_darken(yellow, 0.2))
    jar = (250, 250, 245)
    draw.rounded_rectangle(
        (cx + s * 0.05, cy - s * 0.25, cx + s * 0.45, cy + s * 0.38),
        radius=14,
        fill=jar,
        outline=(190, 190, 180),
        width=3,
    )
    draw.rectangle((cx + s * 0.05, cy, cx + s * 0.45, cy + s * 0.34), fill=yellow)
    draw.rounded_rectangle(
        (cx + s * 0.03, cy - s * 0.36, cx + s * 0.47, cy - s * 0.24),
        radius=8,
        fill=(120, 70, 30),
    )


def _draw_fish(draw, cx, cy, s, rnd):
    silver = (170, 185, 195)
    _shadow(draw, cx, cy + s * 0.4, s * 1.1, (0, 0, 0, 40))
    for i, (dx, dy) in enumerate(((-0.1, -0.2), (0.1, 0.05), (-0.05, 0.28))):
        x, y = cx + dx * s, cy + dy * s
        fill = _mix(silver, (200, 150, 90), i * 0.25)
        draw.ellipse(
            (x - s * 0.32, y - s * 0.1, x + s * 0.25, y + s * 0.1),
            fill=fill,
            outline=_darken(fill, 0.3),
            width=2,
        )
        draw.polygon(
            [(x + s * 0.22, y), (x + s * 0.4, y - s * 0.1), (x + s * 0.4, y + s * 0.1)],
            fill=_darken(fill, 0.1),
        )
        draw.ellipse(
            (x - s * 0.24, y - s * 0.03, x - s * 0.2, y + s * 0.01), fill=(30, 30, 30)
        )


def _draw_flower(draw, cx, cy, s, rnd):
    petal, heart = (247, 200, 30), (230, 140, 20)
    _shadow(draw, cx, cy + s * 0.45, s * 0.8, (0, 0, 0, 40))
    for i in range(7):
        a = i * 2 * math.pi / 7
        x, y = cx + math.cos(a) * s * 0.2, cy + math.sin(a) * s * 0.2
        draw.ellipse(
            (x - s * 0.17, y - s * 0.17, x + s * 0.17, y + s * 0.17),
            fill=petal,
            outline=_darken(petal, 0.12),
            width=2,
        )
    draw.ellipse((cx - s * 0.1, cy - s * 0.1, cx + s * 0.1, cy + s * 0.1), fill=heart)
    for _ in range(25):
        a, d = rnd.uniform(0, 2 * math.pi), rnd.uniform(0, s * 0.09)
        draw.ellipse(
            (
                cx + d * math.cos(a) - 3,
                cy + d * math.sin(a) - 3,
                cx + d * math.cos(a) + 3,
                cy + d * math.sin(a) + 3,
            ),
            fill=(255, 230, 120),
        )


def _draw_herb(draw, cx, cy, s, rnd):
    stem = (70, 110, 50)
    _shadow(draw, cx, cy + s * 0.45, s * 0.8, (0, 0, 0, 40))
    draw.line((cx, cy + s * 0.45, cx + s * 0.05, cy - s * 0.45), fill=stem, width=6)
    for i in range(6):
        y = cy + s * 0.35 - i * s * 0.15
        x = cx + s * 0.05 * (1 - (y - cy + s * 0.45) / (s * 0.9))
        _leaf(draw, (x, y), s * 0.3, s * 0.1, -0.5, (100, 150, 70), (50, 90, 40))
        _leaf(
            draw,
            (x, y - s * 0.05),
            s * 0.3,
            s * 0.1,
            math.pi + 0.5,
            (90, 140, 60),
            (50, 90, 40),
        )


SUBJECTS: dict[str, Callable] = {
    "leaf": _draw_leaf,
    "orange": _draw_orange,
    "pomelo": _draw_pomelo,
    "passion": _draw_passion,
    "jar": _draw_jar,
    "bottle": _draw_bottle,
    "sack": _draw_sack,
    "bowl": _draw_bowl,
    "box": _draw_box,
    "tea_bag": _draw_tea_bag,
    "ginger": _draw_ginger,
    "powder": _draw_powder,
    "fish": _draw_fish,
    "flower": _draw_flower,
    "herb": _draw_herb,
}


def product_picture(name: str, subtitle: str, shape: str, colour: RGB) -> bytes:
    """An 800x600 product photo stand-in: gradient, subject, name banner."""
    width, height = 800, 600
    rnd = _rng("product", name)
    image = _gradient(
        (width, height), _lighten(colour, 0.55), _darken(colour, 0.15), True
    )
    _glow(image, (width / 2, 250), 230, _lighten(colour, 0.85), alpha=170)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    SUBJECTS.get(shape, _draw_leaf)(draw, width / 2, 235, 330, rnd)
    image.paste(layer, (0, 0), layer)

    band = Image.new("RGBA", image.size, (0, 0, 0, 0))
    lines = _wrap(name, 38, width - 120, bold=True)[:2]
    top = height - 24 - 18 - 46 * len(lines) - 36
    ImageDraw.Draw(band).rounded_rectangle(
        (30, top, width - 30, height - 24), radius=18, fill=(255, 255, 255, 225)
    )
    image.paste(band, (0, 0), band)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        _text(
            draw,
            (width / 2, top + 14 + i * 46),
            line,
            38,
            _darken(colour, 0.55),
            bold=True,
            anchor="ma",
        )
    _text(draw, (width / 2, height - 54), subtitle, 22, (90, 90, 90), anchor="ma")
    return _jpeg(image)


def logo_picture(initials: str, colour: RGB) -> bytes:
    """A round emblem with the cooperative's initials (400x400)."""
    size = 400
    image = _gradient((size, size), _lighten(colour, 0.25), _darken(colour, 0.25), True)
    draw = ImageDraw.Draw(image)
    draw.ellipse((22, 22, size - 22, size - 22), outline=(255, 255, 255), width=8)
    draw.ellipse((40, 40, size - 40, size - 40), outline=_lighten(colour, 0.5), width=2)
    _leaf(draw, (size / 2 - 40, 118), 80, 34, -0.6, _lighten(colour, 0.7), colour)
    _text(draw, (size / 2, 215), initials, 120, (255, 255, 255), bold=True, anchor="mm")
    _text(
        draw,
        (size / 2, 305),
        "HỢP TÁC XÃ",
        26,
        _lighten(colour, 0.8),
        bold=True,
        anchor="mm",
    )
    return _jpeg(image, quality=88)


def _ridge(rnd, width, base, amplitude, waves=3) -> list[Point]:
    phases = [rnd.uniform(0, 2 * math.pi) for _ in range(waves)]
    points = []
    for x in range(0, width + 21, 20):
        y = base
        for i, phase in enumerate(phases):
            y -= amplitude / (i + 1) * math.sin(x / width * math.pi * (i + 1.3) + phase)
        points.append((x, y))
    return points


def _hill(draw, rnd, width, height, base, amplitude, colour):
    ridge = _ridge(rnd, width, base, amplitude)
    draw.polygon([*ridge, (width, height), (0, height)], fill=colour)
    return ridge


def _tree(draw, x, y, size, canopy, fruit=None, rnd=None):
    draw.rectangle(
        (x - size * 0.08, y - size * 0.5, x + size * 0.08, y), fill=(100, 70, 40)
    )
    draw.ellipse(
        (x - size * 0.5, y - size * 1.2, x + size * 0.5, y - size * 0.35), fill=canopy
    )
    if fruit and rnd:
        for _ in range(7):
            fx = x + rnd.uniform(-size * 0.35, size * 0.35)
            fy = y - size * 0.8 + rnd.uniform(-size * 0.3, size * 0.3)
            r = size * 0.07
            draw.ellipse((fx - r, fy - r, fx + r, fy + r), fill=fruit)


def _scene_tea_hills(draw, rnd, w, h):
    for i, shade in enumerate(((96, 160, 70), (70, 140, 55), (50, 118, 45))):
        ridge = _hill(draw, rnd, w, h, h * (0.55 + i * 0.14), h * 0.07, shade)
        for row in range(1, 6):
            pts = [(x, y + row * h * 0.035 * (i + 1)) for x, y in ridge]
            draw.line(pts, fill=_darken(shade, 0.18), width=6 + 2 * i, joint="curve")


def _scene_orchard(draw, rnd, w, h):
    _hill(draw, rnd, w, h, h * 0.6, h * 0.05, (120, 170, 80))
    _hill(draw, rnd, w, h, h * 0.78, h * 0.03, (95, 150, 60))
    for row, (y, size) in enumerate(((h * 0.66, 60), (h * 0.8, 95), (h * 0.97, 140))):
        for i in range(9 - row * 2):
            x = (i + 0.5) * w / (9 - row * 2) + rnd.uniform(-15, 15)
            _tree(draw, x, y, size, (46, 110, 40), (245, 140, 20), rnd)


def _scene_rice_field(draw, rnd, w, h):
    _hill(draw, rnd, w, h, h * 0.5, h * 0.04, (110, 150, 90))
    top = h * 0.55
    draw.rectangle((0, top, w, h), fill=(214, 180, 60))
    for i in range(14):
        y = top + (h - top) * (i / 14) ** 1.6
        draw.line((0, y, w, y), fill=(190, 155, 45), width=2 + i // 3)
    for i in range(-6, 7):
        draw.line(
            (w / 2 + i * 30, top, w / 2 + i * 260, h), fill=(170, 140, 50), width=2
        )


def _scene_beehives(draw, rnd, w, h):
    _hill(draw, rnd, w, h, h * 0.5, h * 0.06, (60, 110, 60))
    for i in range(12):
        _tree(
            draw,
            i * w / 11 + rnd.uniform(-20, 20),
            h * 0.66,
            rnd.uniform(110, 170),
            (40, 95, 45),
        )
    draw.rectangle((0, h * 0.72, w, h), fill=(110, 150, 70))
    for i in range(5):
        x, y = 120 + i * (w - 200) / 4, h * 0.86 + (i % 2) * 20
        draw.rectangle(
            (x - 45, y - 60, x + 45, y),
            fill=(196, 150, 90),
            outline=(120, 80, 40),
            width=3,
        )
        draw.polygon(
            [(x - 55, y - 60), (x, y - 90), (x + 55, y - 60)], fill=(150, 90, 50)
        )
        draw.rectangle((x - 15, y - 12, x + 15, y - 6), fill=(60, 40, 20))


def _scene_sea(draw, rnd, w, h):
    _hill(draw, rnd, w, h, h * 0.42, h * 0.04, (110, 140, 120))
    draw.rectangle((0, h * 0.48, w, h * 0.8), fill=(40, 120, 170))
    for i in range(10):
        y = h * 0.5 + i * h * 0.03
        draw.line(_ridge(rnd, w, y, 3, 2), fill=(120, 180, 215), width=2)
    draw.polygon([(0, h * 0.8), (w, h * 0.76), (w, h), (0, h)], fill=(226, 206, 160))
    for i in range(3):
        x, y = w * (0.2 + i * 0.3), h * (0.62 + 0.05 * (i % 2))
        draw.polygon(
            [(x - 70, y), (x + 70, y), (x + 50, y + 25), (x - 50, y + 25)],
            fill=(30, 70, 140),
        )
        draw.line((x, y, x, y - 90), fill=(80, 60, 40), width=4)
        draw.polygon(
            [(x + 3, y - 85), (x + 55, y - 20), (x + 3, y - 20)], fill=(200, 60, 40)
        )


def _scene_mountains(draw, rnd, w, h):
    for i, shade in enumerate(((120, 140, 160), (90, 120, 110), (70, 110, 70))):
        _hill(draw, rnd, w, h, h * (0.45 + i * 0.15), h * 0.16, shade)
    ridge = _hill(draw, rnd, w, h, h * 0.85, h * 0.05, (80, 130, 60))
    for row in range(1, 5):
        draw.line([(x, y + row * 18) for x, y in ridge], fill=(120, 160, 80), width=4)


def _scene_forest(draw, rnd, w, h):
    _hill(draw, rnd, w, h, h * 0.45, h * 0.08, (80, 120, 90))
    for row, (y, size) in enumerate(((h * 0.6, 90), (h * 0.78, 130), (h, 180))):
        for _ in range(10 - row * 2):
            _tree(
                draw,
                rnd.uniform(0, w),
                y + rnd.uniform(-10, 10),
                size,
                _darken((60, 120, 50), row * 0.12),
            )
    x, y = w * 0.62, h * 0.8
    draw.rectangle((x - 110, y - 90, x + 110, y - 40), fill=(150, 110, 70))
    draw.polygon(
        [(x - 140, y - 90), (x, y - 170), (x + 140, y - 90)], fill=(110, 80, 50)
    )
    for px in (x - 100, x - 30, x + 40, x + 100):
        draw.line((px, y - 40, px, y + 10), fill=(90, 60, 35), width=8)


SCENES: dict[str, Callable] = {
    "tea_hills": _scene_tea_hills,
    "orchard": _scene_orchard,
    "rice_field": _scene_rice_field,
    "beehives": _scene_beehives,
    "sea": _scene_sea,
    "mountains": _scene_mountains,
    "forest": _scene_forest,
}

# Sky colours (top, horizon) and sun colour: dawn, midday, late afternoon.
SKIES = (
    ((120, 150, 200), (250, 200, 150), (255, 220, 160)),
    ((90, 160, 230), (200, 230, 250), (255, 250, 220)),
    ((70, 110, 180), (250, 170, 110), (255, 190, 120)),
)


def landscape_picture(scene: str, seed: str, size=(1200, 800), sky: int = 0) -> bytes:
    """A landscape for a cooperative's photos or the home page banner."""
    width, height = size
    rnd = _rng("scene", scene, seed)
    top, horizon, sun = SKIES[sky % len(SKIES)]
    image = _gradient((width, height), top, horizon)
    _glow(
        image,
        (rnd.uniform(0.15, 0.85) * width, height * 0.28),
        height * 0.12,
        sun,
        alpha=230,
    )
    draw = ImageDraw.Draw(image)
    SCENES.get(scene, _scene_tea_hills)(draw, rnd, width, height)
    return _jpeg(image.filter(ImageFilter.SMOOTH))


def closeup_picture(shape: str, colour: RGB, seed: str, size=(1200, 800)) -> bytes:
    """A close-up of what the cooperative grows or makes."""
    width, height = size
    rnd = _rng("closeup", shape, seed)
    image = _gradient(size, _lighten(colour, 0.6), _darken(colour, 0.2), True)
    _glow(
        image, (width / 2, height / 2), height * 0.4, _lighten(colour, 0.85), alpha=190
    )
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    SUBJECTS.get(shape, _draw_leaf)(
        ImageDraw.Draw(layer), width / 2, height * 0.45, height * 0.7, rnd
    )
    image.paste(layer, (0, 0), layer)
    return _jpeg(image)


def shelf_picture(shape: str, seed: str, size=(1200, 800)) -> bytes:
    """Finished goods on the shelves of the cooperative's workshop."""
    width, height = size
    rnd = _rng("shelf", shape, seed)
    image = _gradient(size, (222, 196, 160), (170, 130, 90))
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    rows, per_row = 3, 5
    for row in range(rows):
        plank = (row + 1) * height / rows - 20
        for i in range(per_row):
            x = (i + 0.5) * width / per_row + rnd.uniform(-10, 10)
            SUBJECTS.get(shape, _draw_jar)(draw, x, plank - 110, 170, rnd)
        draw.rectangle((0, plank, width, plank + 22), fill=(110, 70, 40))
        draw.rectangle((0, plank + 22, width, plank + 30), fill=(80, 50, 30))
    image.paste(layer, (0, 0), layer)
    return _jpeg(image)
