"""A thyroid ultrasound (甲状腺彩超) as a linear probe shows it in the transverse plane of the
neck: skin and strap muscles on top, the two thyroid lobes either side of the trachea joined
by the isthmus in front of it, the trachea's bright anterior wall with reverberations and
its acoustic shadow, the common carotid arteries (pulsating) and jugular veins lateral to
the lobes as anechoic rounds with posterior enhancement, the sternocleidomastoids over
them, the longus colli and the oesophagus behind, and the vertebral body's bright line at
the bottom. Patient's right is on the image's left, as radiologists look at it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.tag import Tag
from pydicom.uid import ExplicitVRLittleEndian, UltrasoundMultiFrameImageStorage

from sandbox.generate.imaging import (
    InstanceInfo,
    PatientTags,
    StudyTags,
    _base_dataset,
    _box_smooth,
    _check_inputs,
    _ds,
    _ellipse_cover,
    _file_meta,
    _rgb_pixel_module,
    _rng,
    _save,
    _series,
)

F32 = npt.NDArray[np.float32]
DEPTH_CM: Final = 4.0
FPS: Final = 20
HEART_RATE: Final = 72


@dataclass(frozen=True)
class LinearGeometry:
    """The image rectangle of a linear probe inside the frame, and its scale."""

    rows: int
    columns: int
    top: int  # first image row (the skin)
    left: int
    width: int  # pixels
    height: int

    @property
    def cm_per_pixel(self) -> float:
        """Isotropic scale (the probe's field: DEPTH_CM deep)."""
        return DEPTH_CM / self.height


def linear_geometry(rows: int, columns: int) -> LinearGeometry:
    """A rectangle about 5 cm wide and 4 cm deep, centred, below a strip for the header."""
    top = max(round(0.06 * rows), 4)
    height = rows - top - max(round(0.06 * rows), 4)
    width = min(columns - 40, round(height * 1.25))
    return LinearGeometry(rows, columns, top, (columns - width) // 2, width, height)


def _paint(refl: F32, cover: F32, value: float) -> None:
    refl += (np.float32(value) - refl) * cover


def _ring(xc: F32, yc: F32, cx: float, cy: float, r: float, thick: float) -> F32:
    d = np.abs(np.sqrt((xc - np.float32(cx)) ** 2 + (yc - np.float32(cy)) ** 2) - np.float32(r))
    return np.clip(1.0 - d / np.float32(thick), 0.0, 1.0).astype(np.float32)


def _neck(xc: F32, yc: F32, pulse: float, texture: F32) -> tuple[F32, F32]:
    """(reflectivity, attenuation-after) maps for one frame; x lateral (patient's right
    negative), y depth, both in cm."""
    shape = xc.shape
    refl = np.full(shape, 0.24, dtype=np.float32)
    # skin: a bright line; subcutaneous fat with thin bright septa
    _paint(refl, np.clip(1.0 - np.abs(yc - 0.06) / 0.05, 0.0, 1.0).astype(np.float32), 1.0)
    septa = 0.5 + 0.5 * np.sin(yc * 38.0 + np.sin(xc * 3.0) * 1.5)
    fat = ((yc > 0.1) & (yc < 0.32)).astype(np.float32)
    _paint(refl, fat, 0.2)
    refl += fat * np.float32(0.25) * (septa > 0.92)
    # strap muscles, sternocleidomastoids, longus colli: hypoechoic, fibres along x
    fibres = np.float32(0.05) * np.sin(yc * 60.0 + xc * 2.0).astype(np.float32)
    muscles = (
        (-1.2, 0.52, 0.95, 0.18, 5.0),  # right strap muscles
        (1.2, 0.52, 0.95, 0.18, -5.0),  # left strap muscles
        (-2.35, 0.6, 0.75, 0.3, -18.0),  # right sternocleidomastoid
        (2.35, 0.6, 0.75, 0.3, 18.0),  # left sternocleidomastoid
        (-1.0, 2.55, 0.5, 0.26, -12.0),  # right longus colli
        (1.0, 2.55, 0.5, 0.26, 12.0),  # left longus colli
    )
    for cx, cy, ax, ay, angle in muscles:
        cover = _ellipse_cover(xc, yc, cx, cy, ax, ay, angle, 0.06)
        _paint(refl, cover, 0.13)
        refl += cover * fibres
    # thyroid: homogeneous, brighter than muscle, fine texture; lobes and isthmus
    shapes = (
        (-1.12, 1.4, 0.72, 0.68, 14.0),
        (1.12, 1.4, 0.7, 0.66, -14.0),
        (0.0, 0.84, 0.8, 0.15, 0.0),
    )
    gland = np.zeros(shape, dtype=np.float32)
    outline = np.zeros(shape, dtype=np.float32)
    for cx, cy, ax, ay, angle in shapes:  # right lobe, left lobe, isthmus
        gland = np.maximum(gland, _ellipse_cover(xc, yc, cx, cy, ax, ay, angle, 0.04))
        outline = np.maximum(
            outline, _ellipse_cover(xc, yc, cx, cy, ax + 0.05, ay + 0.05, angle, 0.03)
        )
    _paint(refl, outline, 0.85)  # the thin bright capsule
    _paint(refl, gland, 0.66)
    # a small benign-looking colloid cyst in the right lobe: anechoic with a bright dot
    cyst = _ellipse_cover(xc, yc, -1.3, 1.3, 0.14, 0.11, 0.0, 0.03)
    _paint(refl, cyst, 0.02)
    _paint(refl, _ellipse_cover(xc, yc, -1.3, 1.28, 0.025, 0.025, 0.0, 0.01), 1.4)
    # trachea: air behind a bright curved anterior wall (cartilage ring), midline
    tr_cy, tr_r, ring = 1.78, 0.72, 0.14
    upper = (yc < tr_cy).astype(np.float32)
    cartilage = _ring(xc, yc, 0.0, tr_cy, tr_r - ring / 2, ring / 2) * upper
    _paint(refl, cartilage, 0.1)  # the C-shaped cartilage: hypoechoic
    _paint(refl, _ring(xc, yc, 0.0, tr_cy, tr_r, 0.03) * upper, 0.8)
    air_wall = _ring(xc, yc, 0.0, tr_cy, tr_r - ring, 0.05) * (yc < tr_cy - 0.2)
    _paint(refl, air_wall.astype(np.float32), 1.6)  # the mucosa-air interface
    # carotid arteries (pulsating) and jugular veins lateral to the lobes
    vessels = []
    for side in (-1.0, 1.0):
        carotid = 0.32 * (1.0 + 0.06 * pulse)
        vessels.append((side * 2.02, 1.62, carotid, carotid))  # common carotid artery
        vessels.append((side * 2.5, 1.12, 0.36, 0.2))  # internal jugular (oval, compressible)
    lumen_any = np.zeros(shape, dtype=np.float32)
    for cx, cy, ax, ay in vessels:
        wall_cover = _ellipse_cover(xc, yc, cx, cy, ax + 0.05, ay + 0.05, 0.0, 0.03)
        _paint(refl, wall_cover, 1.0)
        lumen = _ellipse_cover(xc, yc, cx, cy, ax, ay, 0.0, 0.03)
        _paint(refl, lumen, 0.008)
        lumen_any = np.maximum(lumen_any, lumen)
    # oesophagus: behind and left of the trachea (image right), target-like
    _paint(refl, _ellipse_cover(xc, yc, 0.78, 2.45, 0.34, 0.24, 0.0, 0.05), 0.12)
    _paint(refl, _ellipse_cover(xc, yc, 0.78, 2.45, 0.12, 0.05, 0.0, 0.03), 0.9)
    # prevertebral surface: a bright curved line lateral to the shadow, bone shadow below
    spine_y = 3.05 + 0.12 * xc * xc
    spine = np.clip(1.0 - np.abs(yc - spine_y) / 0.06, 0.0, 1.0)
    spine *= np.clip((1.5 - np.abs(xc)) / 0.25, 0.0, 1.0)
    _paint(refl, spine.astype(np.float32), 1.3)

    # what happens to the sound behind things: shadow behind the trachea's wall (with
    # reverberation bands) and behind bone; enhancement behind fluid
    gain = np.ones(shape, dtype=np.float32)
    inner = tr_r - ring
    inside = np.clip(inner * inner - xc * xc, 0.0, None)
    wall_y = np.float32(tr_cy) - np.sqrt(inside)  # the air interface above each column
    behind = yc - wall_y - np.float32(0.05)
    edge = np.clip((inner * 0.95 - np.abs(xc)) / 0.08, 0.0, 1.0)  # soft shadow border
    # reverberations: fading copies of the curved interface at its own depth spacing
    echo = np.clip((np.cos(behind * np.float32(2 * math.pi / 0.32)) - 0.4) / 0.6, 0.0, 1.0)
    air = np.float32(0.05) + np.float32(1.2) * echo * np.exp(-behind / np.float32(0.5))
    shadow = np.where(behind > 0, air, np.float32(1.0)).astype(np.float32)
    in_air = ((behind > 0) & (edge > 0)).astype(np.float32)
    _paint(refl, in_air, 0.3)  # what the reverberations show is the wall's echo, not tissue
    gain = (gain * (np.float32(1.0) - edge * (np.float32(1.0) - shadow))).astype(np.float32)
    bone = np.clip((1.5 - np.abs(xc)) / 0.25, 0.0, 1.0) * (yc > spine_y + 0.06)
    gain = (gain * (np.float32(1.0) - np.float32(0.85) * bone)).astype(np.float32)
    # posterior enhancement: columns below a lumen are brighter
    column_fluid = np.cumsum(lumen_any, axis=0) * np.float32(0.012)
    gain *= np.float32(1.0) + np.clip(column_fluid, 0.0, 0.45) * (lumen_any < 0.5)
    refl *= texture
    return refl, gain.astype(np.float32)


def thyroid_frames(frames: int, rows: int, columns: int, seed: int) -> npt.NDArray[np.uint8]:
    """RGB frames (frames, rows, columns, 3): the transverse neck with speckle, the carotids
    pulsing at HEART_RATE; orange probe-side marker and a depth scale in cm."""
    geo = linear_geometry(rows, columns)
    rng = _rng(seed, "us-thyroid")
    yy, xx = np.mgrid[0 : geo.height, 0 : geo.width].astype(np.float32)
    cm = np.float32(geo.cm_per_pixel)
    xc = (xx - np.float32(geo.width / 2)) * cm
    yc = yy * cm

    def field() -> tuple[F32, F32]:
        re = _box_smooth(rng.standard_normal(xx.shape, dtype=np.float32), 3, 7)
        im = _box_smooth(rng.standard_normal(xx.shape, dtype=np.float32), 3, 7)
        return re, im

    (a_re, a_im), (b_re, b_im) = field(), field()
    # slow tissue variation, the same in every frame
    smooth = _box_smooth(rng.standard_normal(xx.shape, dtype=np.float32), 15, 15)
    texture = np.clip(np.float32(1.0) + np.float32(2.0) * smooth, 0.6, 1.4).astype(np.float32)
    out = np.zeros((frames, rows, columns, 3), dtype=np.uint8)
    period = 60.0 / HEART_RATE
    for f in range(frames):
        t = f / FPS
        phase = (t / period) % 1.0
        pulse = math.sin(math.pi * phase / 0.35) ** 2 if phase < 0.35 else 0.0
        refl, gain = _neck(xc, yc, pulse, texture)
        alpha = 0.05 * f
        ca, sa = np.float32(math.cos(alpha)), np.float32(math.sin(alpha))
        sre = a_re * ca + b_re * sa
        sim = a_im * ca + b_im * sa
        speckle = np.sqrt(sre * sre + sim * sim)
        depth_gain = np.float32(1.0) - np.float32(0.12) * (yc / np.float32(DEPTH_CM))
        intensity = refl * gain * speckle * depth_gain
        db = np.float32(20.0) * np.log10(intensity + np.float32(1e-4))
        grey = np.clip((db + np.float32(34.0)) / np.float32(40.0), 0.0, 1.0)
        g8 = np.rint(grey * np.float32(255.0)).astype(np.uint8)
        frame = out[f]
        frame[geo.top : geo.top + geo.height, geo.left : geo.left + geo.width] = g8[:, :, None]
        _annotate(frame, geo)
    return out


def _annotate(frame: npt.NDArray[np.uint8], geo: LinearGeometry) -> None:
    """Probe-side marker (patient's right, top left) and a depth scale every 0.5 cm."""
    marker_y, marker_x = max(geo.top - 6, 2), geo.left + 6
    frame[marker_y - 3 : marker_y + 3, marker_x - 3 : marker_x + 3] = (255, 140, 0)
    scale_x = min(geo.left + geo.width + 8, geo.columns - 4)
    per_cm = 1.0 / geo.cm_per_pixel
    for half in range(int(DEPTH_CM * 2) + 1):
        y = min(round(geo.top + half * per_cm / 2), geo.rows - 2)
        length = 8 if half % 2 == 0 else 4
        colour = (80, 200, 230) if half % 2 == 0 else (200, 200, 200)
        frame[y : y + 1, scale_x : min(scale_x + length, geo.columns)] = colour


def write_thyroid_ultrasound(
    out_dir: Path,
    patient: PatientTags,
    study: StudyTags,
    *,
    frames: int = 20,
    rows: int = 480,
    columns: int = 640,
    seed: int = 0,
    series_number: int = 1,
) -> list[InstanceInfo]:
    """Write one thyroid ultrasound cine, transverse plane (Ultrasound Multi-frame Image
    Storage, RGB, explicit VR little endian): see the module docstring for the anatomy.
    Calibration in SequenceOfUltrasoundRegions (one linear region, cm per pixel).

    Raises ValueError for ``frames`` < 1, rows < 120 or columns < 160, a negative seed or
    invalid tags.
    """
    _check_inputs(patient, study, seed, series_number)
    if frames < 1 or rows < 120 or columns < 160:
        raise ValueError("need frames >= 1, rows >= 120 and columns >= 160")
    series = _series(
        patient,
        study,
        seed=seed,
        kind="US-thyroid",
        modality="US",
        sop_class_uid=UltrasoundMultiFrameImageStorage,
        series_number=series_number,
        description="甲状腺 横切面",
        body_part="THYROID",
    )
    geo = linear_geometry(rows, columns)
    pixels = thyroid_frames(frames, rows, columns, seed)
    ds = _base_dataset(series, 1)
    _linear_common(ds, geo)
    _rgb_pixel_module(ds, rows, columns)
    ds.NumberOfFrames = frames
    ds.FrameIncrementPointer = Tag(0x0018, 0x1063)
    ds.FrameTime = _ds(1000.0 / FPS)
    ds.CineRate = FPS
    ds.RecommendedDisplayFrameRate = FPS
    ds.PixelData = pixels.tobytes()
    _file_meta(ds, ExplicitVRLittleEndian)
    return [_save(ds, out_dir)]


def _linear_common(ds: Dataset, geo: LinearGeometry) -> None:
    """US Image and US Region Calibration attributes of a linear probe's image."""
    ds.ImageType = ["ORIGINAL", "PRIMARY", "NECK", "0001"]
    ds.PatientOrientation = ""
    ds.TransducerType = "LINEAR"
    region = Dataset()
    region.RegionSpatialFormat = 1  # 2D
    region.RegionDataType = 1  # tissue
    region.RegionFlags = 0
    region.RegionLocationMinX0 = geo.left
    region.RegionLocationMinY0 = geo.top
    region.RegionLocationMaxX1 = geo.left + geo.width - 1
    region.RegionLocationMaxY1 = geo.top + geo.height - 1
    region.PhysicalUnitsXDirection = 3  # cm
    region.PhysicalUnitsYDirection = 3
    region.ReferencePixelX0 = geo.left + geo.width // 2
    region.ReferencePixelY0 = geo.top
    region.ReferencePixelPhysicalValueX = 0.0
    region.ReferencePixelPhysicalValueY = 0.0
    region.PhysicalDeltaX = geo.cm_per_pixel
    region.PhysicalDeltaY = geo.cm_per_pixel
    region.TransducerFrequency = 10000
    ds.SequenceOfUltrasoundRegions = Sequence([region])
    ds.LossyImageCompression = "00"
