"""Site photos: resized for the web, with the time they were taken read from EXIF and kept."""

import io
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
_DATETIME_ORIGINAL = ExifTags.Base.DateTimeOriginal
_DATETIME = ExifTags.Base.DateTime


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

    Raises ValidationError with a Chinese message for a file that is not an image.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"照片“{upload.name}”超过15MB。")
    try:
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError):
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
