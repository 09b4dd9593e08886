"""Draw backwalk's brand icons (256 and 512 px) so none is downloaded: `make icons`."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (
    Path(__file__).resolve().parent.parent / "custom_components" / "backwalk" / "brand"
)
TEAL = (0, 137, 123, 255)
WHITE = (255, 255, 255, 255)
AMBER = (255, 193, 7, 255)


def draw(size: int) -> Image.Image:
    """Draw a walking figure on a teal disc, with an amber spine line (the lower back)."""
    scale = 4  # draw large, then shrink, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x * big, y * big)

    pen.ellipse([at(0.02, 0.02), at(0.98, 0.98)], fill=TEAL)
    width = int(0.06 * big)
    pen.ellipse([at(0.47, 0.14), at(0.61, 0.28)], fill=WHITE)  # head
    pen.line([at(0.53, 0.32), at(0.49, 0.58)], fill=AMBER, width=width)  # back
    pen.line(
        [at(0.52, 0.38), at(0.36, 0.50)], fill=WHITE, width=width
    )  # arm swinging back
    pen.line(
        [at(0.52, 0.38), at(0.64, 0.50)], fill=WHITE, width=width
    )  # arm swinging forward
    pen.line([at(0.49, 0.58), at(0.37, 0.84)], fill=WHITE, width=width)  # back leg
    pen.line([at(0.49, 0.58), at(0.62, 0.84)], fill=WHITE, width=width)  # front leg
    pen.line(
        [at(0.22, 0.88), at(0.78, 0.88)], fill=WHITE, width=width // 2
    )  # flat ground (G8)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write icon.png and icon@2x.png."""
    BRAND.mkdir(parents=True, exist_ok=True)
    draw(256).save(BRAND / "icon.png", optimize=True)
    draw(512).save(BRAND / "icon@2x.png", optimize=True)
    print(f"wrote {BRAND / 'icon.png'} and {BRAND / 'icon@2x.png'}")


if __name__ == "__main__":
    main()
