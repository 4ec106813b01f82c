"""Painted frames: what Chromium actually drew, recorded with the DevTools screencast, and judgements on them.

A DOM snapshot or a single screenshot misses a blink: a chart that is torn down and drawn again is back in the DOM
by the time anyone looks. The screencast (`Page.startScreencast`) hands over the frames Chromium painted, each acked
so the next one comes. Boxes come from the page itself, sampled at every animation frame, with the same clock.

    with Screencast(page) as cast, BoxSampler(page, {"play": ".play-button"}) as boxes:
        page.click(...)
        page.wait_for_function(...)  # events only arrive while Playwright is waiting on something
    frames, samples = cast.frames, boxes.samples
    assert all(frame.painted(box) for frame in frames if frame.timestamp > first_seen)
    assert not moved(samples, "play")

Playwright's sync API delivers CDP events only while the test is inside a Playwright call (`wait_for_function`,
`wait_for_timeout` when recording a fixed span, a click): record around such calls.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Box:
    """A rectangle in CSS pixels, relative to the viewport (as `getBoundingClientRect` and `bounding_box()` give it)."""

    x: float
    y: float
    width: float
    height: float

    @classmethod
    def of(cls, locator) -> Box:
        """The element's box now (Playwright's `bounding_box()`); fails when the element is not laid out."""
        box = locator.bounding_box()
        if box is None:
            raise AssertionError(f"{locator} has no box: it is not laid out")
        return cls(box["x"], box["y"], box["width"], box["height"])

    def inset(self, by: float) -> Box:
        """The box shrunk by `by` CSS pixels on every side (to judge an inside without its border)."""
        return Box(self.x + by, self.y + by, max(self.width - 2 * by, 0), max(self.height - 2 * by, 0))

    def distance(self, other: Box) -> float:
        """The largest change of any edge, in CSS pixels."""
        return max(
            abs(self.x - other.x),
            abs(self.y - other.y),
            abs(self.x + self.width - other.x - other.width),
            abs(self.y + self.height - other.y - other.height),
        )


@dataclass(frozen=True)
class PaintedFrame:
    """One frame Chromium painted: its image and where the viewport sat in it."""

    timestamp: float  # seconds since the epoch, Chromium's `metadata.timestamp` (same clock as the page's Date.now())
    png: bytes = field(repr=False)
    device_width: float  # the viewport in CSS pixels
    device_height: float
    offset_top: float  # CSS pixels above the viewport in the image (emulated top controls; 0 on a desktop)

    @cached_property
    def pixels(self) -> np.ndarray:
        """The image as `(height, width, 3)` uint8 RGB."""
        return np.asarray(Image.open(io.BytesIO(self.png)).convert("RGB"))

    @property
    def scale(self) -> float:
        """Image pixels per CSS pixel."""
        return self.pixels.shape[1] / self.device_width

    def region(self, box: Box) -> np.ndarray:
        """The pixels under `box`, `(rows, columns, 3)`; empty when the box is outside the viewport."""
        k = self.scale
        top, left = round((box.y + self.offset_top) * k), round(box.x * k)
        bottom, right = round((box.y + self.offset_top + box.height) * k), round((box.x + box.width) * k)
        height, width = self.pixels.shape[:2]
        return self.pixels[max(top, 0) : min(bottom, height), max(left, 0) : min(right, width)]

    def ink(self, box: Box, background: tuple[int, int, int] = (255, 255, 255), tolerance: int = 12) -> float:
        """The share of the box's pixels that differ from `background` by more than `tolerance` in some channel."""
        pixels = self.region(box)
        if pixels.size == 0:
            return 0.0
        off = np.abs(pixels.astype(np.int16) - np.asarray(background, dtype=np.int16)).max(axis=2) > tolerance
        return float(off.mean())

    def painted(self, box: Box, background: tuple[int, int, int] = (255, 255, 255), min_share: float = 0.02) -> bool:
        """Whether something is drawn in `box`: at least `min_share` of its pixels are not the background colour."""
        return self.ink(box, background) >= min_share


class Screencast:
    """Records the frames Chromium paints for `page` while inside the `with` block (see the module's docstring)."""

    def __init__(self, page, every_nth_frame: int = 1):
        self.page = page
        self.every_nth_frame = every_nth_frame
        self.frames: list[PaintedFrame] = []
        self._session = None
        self._closed = False

    def _on_frame(self, event: dict) -> None:
        meta = event["metadata"]
        self.frames.append(
            PaintedFrame(
                float(meta["timestamp"]),
                base64.b64decode(event["data"]),
                float(meta["deviceWidth"]),
                float(meta["deviceHeight"]),
                float(meta.get("offsetTop", 0.0)),
            )
        )
        if self._closed:  # a frame that arrived as the recording ended: no one is waiting for the next one
            return
        # unacked, chromium stops sending after a frame or two
        self._session.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    def __enter__(self) -> Screencast:
        self._session = self.page.context.new_cdp_session(self.page)
        self._session.on("Page.screencastFrame", self._on_frame)
        self._session.send("Page.startScreencast", {"format": "png", "everyNthFrame": self.every_nth_frame})
        return self

    def __exit__(self, *exc) -> None:
        self._closed = True
        self._session.send("Page.stopScreencast")
        self._session.detach()

    def since(self, timestamp: float) -> list[PaintedFrame]:
        return [f for f in self.frames if f.timestamp >= timestamp]


@dataclass(frozen=True)
class BoxSample:
    timestamp: float  # seconds since the epoch (the page's Date.now() / 1000)
    boxes: dict[str, Box | None]  # by name; None when the element is missing or not laid out


# runs in the page: every animation frame, the box of each selector (the first element matching it)
_SAMPLE = """(selectors) => {
  window.__paintBoxes = [];
  const sample = () => {
    const boxes = {};
    for (const [name, selector] of Object.entries(selectors)) {
      const element = document.querySelector(selector);
      const r = element ? element.getBoundingClientRect() : null;
      boxes[name] = r && (r.width || r.height) ? [r.x, r.y, r.width, r.height] : null;
    }
    window.__paintBoxes.push([Date.now() / 1000, boxes]);
    window.__paintSampling = requestAnimationFrame(sample);
  };
  sample();
}"""
_STOP = "() => { cancelAnimationFrame(window.__paintSampling); const s = window.__paintBoxes; window.__paintBoxes = []; return s; }"


class BoxSampler:
    """Samples the boxes of named CSS selectors at every animation frame the page draws, while inside the `with` block.

    `selectors`: name → CSS selector (`document.querySelector`, so the first match). Playwright selectors such as
    `:has-text()` are not CSS: mark the element first if need be.
    """

    def __init__(self, page, selectors: dict[str, str]):
        self.page = page
        self.selectors = selectors
        self.samples: list[BoxSample] = []

    def __enter__(self) -> BoxSampler:
        self.page.evaluate(_SAMPLE, self.selectors)
        return self

    def __exit__(self, *exc) -> None:
        raw = self.page.evaluate(_STOP)
        self.samples = [BoxSample(t, {name: Box(*b) if b else None for name, b in boxes.items()}) for t, boxes in raw]

    def boxes(self, name: str) -> list[Box | None]:
        return [s.boxes[name] for s in self.samples]


def moved(samples: list[BoxSample], name: str, tolerance: float = 0.5) -> list[tuple[float, Box | None, Box | None]]:
    """Where the element `name` moved, resized or went missing between samples: (timestamp, before, after) for each
    change larger than `tolerance` CSS pixels. Empty when it stayed put."""
    changes = []
    for before, after in zip(samples, samples[1:], strict=False):
        a, b = before.boxes[name], after.boxes[name]
        if (a is None) != (b is None) or (a is not None and a.distance(b) > tolerance):
            changes.append((after.timestamp, a, b))
    return changes


def blank_frames(frames: list[PaintedFrame], box: Box, **judge) -> tuple[int, list[PaintedFrame]]:
    """Frames in which `box` is blank, counted from the first frame in which it is painted (before that it had not
    appeared yet): (index of that first frame or -1, the blank ones after it)."""
    first = next((i for i, f in enumerate(frames) if f.painted(box, **judge)), -1)
    if first < 0:
        return -1, list(frames)
    return first, [f for f in frames[first:] if not f.painted(box, **judge)]
