"""Rotation by quarter turns and flipping of the displayed image, as a plain 2-D affine map
between image millimetres and view coordinates (both with y pointing down)."""

from __future__ import annotations

from dataclasses import dataclass, replace

Affine = tuple[float, float, float, float, float, float]  # x' = a·x + b·y + c; y' = d·x + e·y + f


@dataclass(frozen=True)
class ViewTransform:
    """The image is first mirrored left–right (``flipped``), then turned clockwise by
    ``quarter_turns`` × 90° on screen. ``width``/``height`` are the image's extent in mm."""

    width: float
    height: float
    quarter_turns: int = 0
    flipped: bool = False

    def rotated_clockwise(self) -> ViewTransform:
        """A further quarter turn clockwise on screen."""
        return replace(self, quarter_turns=(self.quarter_turns + 1) % 4)

    def rotated_counterclockwise(self) -> ViewTransform:
        """A further quarter turn counter-clockwise on screen."""
        return replace(self, quarter_turns=(self.quarter_turns + 3) % 4)

    def flipped_horizontally(self) -> ViewTransform:
        """Mirror what is on screen left–right (a screen flip reverses the turn direction)."""
        return replace(self, quarter_turns=(-self.quarter_turns) % 4, flipped=not self.flipped)

    def flipped_vertically(self) -> ViewTransform:
        """Mirror what is on screen top–bottom (= left–right mirror and a half turn)."""
        return replace(self, quarter_turns=(2 - self.quarter_turns) % 4, flipped=not self.flipped)

    def reset(self) -> ViewTransform:
        """No turn, no mirror."""
        return replace(self, quarter_turns=0, flipped=False)

    @property
    def view_size(self) -> tuple[float, float]:
        """Width and height of the displayed image in mm (swapped by odd quarter turns)."""
        if self.quarter_turns % 2:
            return (self.height, self.width)
        return (self.width, self.height)

    def affine(self) -> Affine:
        """The map from image mm to view coordinates as (a, b, c, d, e, f)."""
        w, h = self.width, self.height
        # mirror: x → w − x
        a, b, c, d, e, f = (-1.0, 0.0, w, 0.0, 1.0, 0.0) if self.flipped else (1, 0, 0, 0, 1, 0)
        for turn in range(self.quarter_turns % 4):
            # clockwise quarter turn of an image of (current) width cw, height ch:
            # (x, y) → (ch − y, x)
            ch = h if turn % 2 == 0 else w
            a, b, c, d, e, f = -d, -e, ch - f, a, b, c
        return (float(a), float(b), float(c), float(d), float(e), float(f))

    def to_view(self, x: float, y: float) -> tuple[float, float]:
        """Image mm → view coordinates."""
        a, b, c, d, e, f = self.affine()
        return (a * x + b * y + c, d * x + e * y + f)

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        """View coordinates → image mm (the inverse map)."""
        a, b, c, d, e, f = self.affine()
        det = a * e - b * d  # ±1 for turns and mirrors
        x, y = x - c, y - f
        return ((e * x - b * y) / det, (-d * x + a * y) / det)

    def image_direction(self, screen_dx: float, screen_dy: float) -> tuple[float, float]:
        """The image-axis direction (along a row, down a column) that a screen direction
        shows, e.g. (1, 0) = screen right."""
        a, b, _c, d, e, _f = self.affine()
        det = a * e - b * d
        return ((e * screen_dx - b * screen_dy) / det, (-d * screen_dx + a * screen_dy) / det)


def box_to_image(
    transform: ViewTransform, x: float, y: float, width: float, height: float
) -> tuple[float, float, float, float]:
    """An axis-aligned box in view coordinates as a box in image mm (x, y, width, height);
    quarter turns and mirrors keep boxes axis-aligned."""
    x0, y0 = transform.to_image(x, y)
    x1, y1 = transform.to_image(x + width, y + height)
    return (min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
