"""Site photos: resized for the web, with the time they were taken read from EXIF and kept.

A photo's size is read from its header and refused above ZONEOPS_PHOTO_MAX_PIXELS before any pixel
is decoded (a 20000×20000 PNG is a few hundred KB that would inflate to 1.6 GB). Decoding takes
seconds for a large photo, so callers process uploads before they open a database transaction.
"""

import io
import math
import warnings
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
_DATETIME_ORIGINAL = ExifTags.Base.DateTimeOriginal
_DATETIME = ExifTags.Base.DateTime

# Pillow's own guard, a second line behind the explicit check: it raises at twice this bound, while
# opening the header, so a file far over the bound never reaches the check.
Image.MAX_IMAGE_PIXELS = settings.ZONEOPS_PHOTO_MAX_PIXELS


def _taken_at(exif):
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not raw:
        return None
    try:
        moment = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(moment)  # cameras record local time without a zone


def process_photo(upload):
    """Return (ContentFile of a JPEG at most MAX_SIDE px, taken_at or None, width, height).

    Raises ValidationError with a Chinese message for a file that is not an image or is too large.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"照片“{upload.name}”超过15MB。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the explicit check answers
            image = Image.open(upload)  # reads the header only; Pillow refuses above twice its bound
            _check_pixels(upload, image)
            _draft(image)
            image.load()
    except Image.DecompressionBombError:
        raise ValidationError(_too_large(upload)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(f"“{upload.name}”不是可识别的图片文件。") from None
    exif = image.getexif()
    taken_at = _taken_at(exif)
    image = ImageOps.exif_transpose(image)  # apply the camera's rotation before resizing
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if ExifTags.Base.Orientation in exif:
        del exif[ExifTags.Base.Orientation]  # already applied
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, exif=exif.tobytes())
    stem = upload.name.rsplit(".", 1)[0][:80] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg"), taken_at, image.width, image.height


def process_photos(uploads):
    """Every upload of one report processed, or ValidationError naming the first problem."""
    limit = settings.ZONEOPS_PHOTO_MAX_PER_REPORT
    if len(uploads) > limit:
        raise ValidationError({"photos": f"每次填报最多上传{limit}张照片，本次选择了{len(uploads)}张。"})
    try:
        return [process_photo(upload) for upload in uploads]
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None


def _check_pixels(upload, image):
    width, height = image.size
    if width * height > settings.ZONEOPS_PHOTO_MAX_PIXELS:
        raise ValidationError(_too_large(upload, width, height))


def _draft(image):
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when that still covers the web size (4× faster)."""
    width, height = image.size
    ratio = MAX_SIDE / max(width, height, 1)
    if ratio < 1:
        image.draft(None, (math.ceil(width * ratio), math.ceil(height * ratio)))


def _too_large(upload, width=None, height=None):
    size = f"（{width}×{height}像素）" if width else ""
    megapixels = settings.ZONEOPS_PHOTO_MAX_PIXELS // 1_000_000
    return f"照片“{upload.name}”{size}过大，最多{megapixels}百万像素，请缩小后再上传。"
