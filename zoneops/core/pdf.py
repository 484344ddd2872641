"""PDF drawn directly: pages of lines, shapes and Chinese text, with the font subset and embedded.

For a chart whose every coordinate we compute ourselves (the battle map), laying it out as HTML and
SVG in WeasyPrint cost ~4 s of CPU for 300 rows; writing the PDF operators takes a tenth of that
(docs/benchmarks.md, 文档). The file is assembled with pydyf (the PDF writer WeasyPrint uses) and
the text set in Noto Sans CJK SC (Debian's fonts-noto-cjk), subset with fontTools to the characters
drawn and embedded, so every reader shows the same glyphs.

Coordinates are points from the page's top-left corner, y downwards, as in SVG; text is placed by
its baseline. Bold is drawn by stroking the outline as well (one font file to subset, not two).
"""

import functools
import hashlib
import io
import os
import subprocess
import zlib
from contextlib import contextmanager
from datetime import datetime

import pydyf
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

A3_LANDSCAPE = (1190.55, 841.89)  # points
MM = 72 / 25.4
FONT_FAMILY = "Noto Sans CJK SC"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu (fonts-noto-cjk)
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch, Alpine
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
)
BOLD_STROKE = 0.035  # of the font size: the outline stroke that makes regular glyphs bold
_CIRCLE = 0.5523  # control point distance of a quarter circle drawn as a Bézier curve


class FontMissing(RuntimeError):
    pass


@functools.cache
def font_location():
    """(file, index in the collection) of Noto Sans CJK SC Regular: a usual path, else fc-match's."""
    for path in FONT_FILES:
        found = _font_in(path)
        if found:
            return found
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", f"{FONT_FAMILY}:style=Regular"],  # noqa: S603, S607
                              capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        path = ""
    found = _font_in(path)
    if not found:
        raise FontMissing(f"找不到中文字体 {FONT_FAMILY}（Debian/Ubuntu：apt-get install fonts-noto-cjk）")
    return found


def _font_in(path):
    if not path or not os.path.exists(path):
        return None
    if path.lower().endswith((".ttc", ".otc")):
        for index, font in enumerate(TTCollection(path, lazy=True).fonts):
            if font["name"].getDebugName(1) == FONT_FAMILY:
                return path, index
        return None
    return (path, 0) if TTFont(path, lazy=True)["name"].getDebugName(1) == FONT_FAMILY else None


class _Font:
    """The font's metrics for measuring and encoding text; the characters used, for the subset."""

    def __init__(self):
        path, index = font_location()
        self.ttfont = TTFont(path, fontNumber=index, lazy=True)
        self.scale = 1000 / self.ttfont["head"].unitsPerEm
        self.cmap = self.ttfont.getBestCmap()
        self.metrics = self.ttfont["hmtx"].metrics
        cff = self.ttfont["CFF "].cff if "CFF " in self.ttfont else None
        # A CID-keyed CFF font (Noto's are) is addressed by CID, which its subset keeps; any other
        # font by glyph index, which a subset keeps only when told to (slower).
        self.cid_keyed = cff is not None and hasattr(cff.topDictIndex[0], "ROS")
        self.glyphs = {}  # character → (code, advance in 1/1000 em)
        self.used = {}  # code → (glyph name, character)

    def glyph(self, char):
        known = self.glyphs.get(char)
        if known is None:
            name = self.cmap.get(ord(char), ".notdef")
            code = int(name[3:]) if self.cid_keyed and name.startswith("cid") else self.ttfont.getGlyphID(name)
            known = self.glyphs[char] = (code, self.metrics[name][0] * self.scale)
            if code:
                self.used.setdefault(code, (name, char))
        return known

    def measure(self, text):
        return sum(self.glyph(char)[1] for char in text) / 1000

    def encode(self, text):
        return "".join(f"{self.glyph(char)[0]:04x}" for char in text)

    def embed(self, pdf):
        """Add the subset font to ``pdf`` and return its reference."""
        names = [name for name, _char in self.used.values()]
        options = subset.Options(retain_gids=not self.cid_keyed, notdef_outline=True, hinting=False,
                                 desubroutinize=True, name_IDs=[], layout_features=[])
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "JSTF", "MATH"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(glyphs=names)
        subsetter.subset(self.ttfont)
        buffer = io.BytesIO()
        self.ttfont.save(buffer)
        if self.cid_keyed:  # the bare CFF program: readers map CIDs through its charset, as PDF specifies
            program, subtype = TTFont(buffer).reader["CFF "], "/CIDFontType0C"
        else:
            program, subtype = buffer.getvalue(), "/OpenType"
        tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha1("".join(sorted(  # noqa: S324 - a name, not security
            char for _name, char in self.used.values())).encode()).digest()[:6])
        base = pydyf.name(f"{tag}+{self.ttfont['name'].getDebugName(6) or 'NotoSansCJKsc-Regular'}".encode()
                          .decode("ascii", "ignore"))
        font_file = pydyf.Stream([program], {"Subtype": subtype}, compress=True)
        pdf.add_object(font_file)
        head, hhea = self.ttfont["head"], self.ttfont["hhea"]
        descriptor = pydyf.Dictionary({
            "Type": "/FontDescriptor", "FontName": base, "Flags": 4,
            "FontBBox": pydyf.Array([round(value * self.scale) for value in
                                     (head.xMin, head.yMin, head.xMax, head.yMax)]),
            "ItalicAngle": 0, "Ascent": round(hhea.ascent * self.scale), "Descent": round(hhea.descent * self.scale),
            "CapHeight": round(getattr(self.ttfont["OS/2"], "sCapHeight", 730) * self.scale), "StemV": 80,
            "FontFile3": font_file.reference,
        })
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for code in sorted(self.used):
            widths.extend([code, pydyf.Array([round(self.metrics[self.used[code][0]][0] * self.scale)])])
        descendant = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/CIDFontType0", "BaseFont": base,
            "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                               "Ordering": pydyf.String("Identity"), "Supplement": 0}),
            "DW": 1000, "W": widths, "FontDescriptor": descriptor.reference,
        })
        pdf.add_object(descendant)
        to_unicode = pydyf.Stream([_to_unicode_cmap(self.used)], compress=True)
        pdf.add_object(to_unicode)
        font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([descendant.reference]), "ToUnicode": to_unicode.reference,
        })
        pdf.add_object(font)
        return font.reference


def _to_unicode_cmap(used):
    """Code → text, so that the PDF's text can be searched, copied and extracted."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    codes = sorted(used)
    for start in range(0, len(codes), 100):
        batch = codes[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar")
        lines += [f"<{code:04x}> <{used[code][1].encode('utf-16-be').hex()}>" for code in batch]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


@functools.lru_cache(maxsize=256)
def _rgb(colour):
    """'#d92d20' → '0.851 0.176 0.125'."""
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(char * 2 for char in colour)
    return " ".join(_num(int(colour[i:i + 2], 16) / 255) for i in (0, 2, 4))


def _num(value):
    """A number as PDF writes it: no exponent, no trailing zeros."""
    if value == int(value):
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


class Canvas:
    """Pages of one size, drawn in points from the top-left; :meth:`save` returns the PDF bytes."""

    def __init__(self, size=A3_LANDSCAPE, *, title=""):
        self.width, self.height = size
        self.title = title
        self.pages = []
        self.ops = None
        self.font = _Font()

    def new_page(self):
        self.ops = [f"1 0 0 -1 0 {_num(self.height)} cm"]  # y downwards from the top-left corner
        self.pages.append(self.ops)

    @contextmanager
    def transformed(self, x=0, y=0, scale=1):
        """Draw in a system moved to (x, y) and scaled, e.g. an SVG-sized chart placed on the page."""
        self.ops.append(f"q {_num(scale)} 0 0 {_num(scale)} {_num(x)} {_num(y)} cm")
        yield
        self.ops.append("Q")

    def _paint(self, path, fill, stroke, width, dash=None):
        ops = self.ops
        ops.append("q")
        if fill:
            ops.append(f"{_rgb(fill)} rg")
        if stroke:
            ops.append(f"{_rgb(stroke)} RG {_num(width)} w")
            if dash:
                ops.append(f"[{' '.join(_num(part) for part in dash)}] 0 d")
        ops.append(path)
        ops.append("B Q" if fill and stroke else "f Q" if fill else "S Q")

    def line(self, x1, y1, x2, y2, *, stroke, width=1, dash=None):
        self._paint(f"{_num(x1)} {_num(y1)} m {_num(x2)} {_num(y2)} l", None, stroke, width, dash)

    def rect(self, x, y, w, h, *, fill=None, stroke=None, width=1, radius=0):
        if not radius:
            path = f"{_num(x)} {_num(y)} {_num(w)} {_num(h)} re"
        else:
            r = min(radius, w / 2, h / 2)
            k = r * (1 - _CIRCLE)
            right, bottom = x + w, y + h
            path = " ".join([
                f"{_num(x + r)} {_num(y)} m {_num(right - r)} {_num(y)} l",
                f"{_num(right - k)} {_num(y)} {_num(right)} {_num(y + k)} {_num(right)} {_num(y + r)} c",
                f"{_num(right)} {_num(bottom - r)} l",
                f"{_num(right)} {_num(bottom - k)} {_num(right - k)} {_num(bottom)} {_num(right - r)} {_num(bottom)} c",
                f"{_num(x + r)} {_num(bottom)} l",
                f"{_num(x + k)} {_num(bottom)} {_num(x)} {_num(bottom - k)} {_num(x)} {_num(bottom - r)} c",
                f"{_num(x)} {_num(y + r)} l",
                f"{_num(x)} {_num(y + k)} {_num(x + k)} {_num(y)} {_num(x + r)} {_num(y)} c h",
            ])
        self._paint(path, fill, stroke, width)

    def polygon(self, points, *, fill=None, stroke=None, width=1):
        (x, y), *rest = points
        path = f"{_num(x)} {_num(y)} m " + " ".join(f"{_num(px)} {_num(py)} l" for px, py in rest) + " h"
        self._paint(path, fill, stroke, width)

    def circle(self, cx, cy, r, *, fill=None, stroke=None, width=1):
        k = r * _CIRCLE
        path = " ".join([
            f"{_num(cx + r)} {_num(cy)} m",
            f"{_num(cx + r)} {_num(cy + k)} {_num(cx + k)} {_num(cy + r)} {_num(cx)} {_num(cy + r)} c",
            f"{_num(cx - k)} {_num(cy + r)} {_num(cx - r)} {_num(cy + k)} {_num(cx - r)} {_num(cy)} c",
            f"{_num(cx - r)} {_num(cy - k)} {_num(cx - k)} {_num(cy - r)} {_num(cx)} {_num(cy - r)} c",
            f"{_num(cx + k)} {_num(cy - r)} {_num(cx + r)} {_num(cy - k)} {_num(cx + r)} {_num(cy)} c h",
        ])
        self._paint(path, fill, stroke, width)

    def text_width(self, text, size):
        return self.font.measure(str(text)) * size

    def text(self, x, y, text, *, size, colour="#000000", anchor="start", bold=False):
        """Draw ``text`` with its baseline at ``y``; ``anchor`` as in SVG: start, middle or end.
        Returns the x where the text ends."""
        text = str(text)
        if not text:
            return x
        width = self.text_width(text, size)
        if anchor == "middle":
            x -= width / 2
        elif anchor == "end":
            x -= width
        rgb = _rgb(colour)
        style = f"{rgb} RG {_num(size * BOLD_STROKE)} w 2 Tr " if bold else ""
        self.ops.append(f"q {rgb} rg {style}BT /F1 1 Tf {_num(size)} 0 0 {_num(-size)} {_num(x)} {_num(y)} Tm "
                        f"<{self.font.encode(text)}> Tj ET Q")
        return x + width

    def save(self):
        pdf = pydyf.PDF()
        pdf.info["Title"] = pydyf.String(self.title)
        pdf.info["Producer"] = pydyf.String("ZoneOps")
        pdf.info["CreationDate"] = pydyf.String(datetime.now().strftime("D:%Y%m%d%H%M%S"))  # noqa: DTZ005
        font = self.font.embed(pdf)
        resources = pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": font})})
        pdf.add_object(resources)
        for ops in self.pages:
            content = pydyf.Stream([zlib.compress("\n".join(ops).encode(), 6)], {"Filter": "/FlateDecode"})
            pdf.add_object(content)
            pdf.add_page(pydyf.Dictionary({
                "Type": "/Page", "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array([0, 0, _num(self.width), _num(self.height)]),
                "Resources": resources.reference, "Contents": content.reference,
            }))
        output = io.BytesIO()
        pdf.write(output, version=b"1.7", identifier=True, compress=True)
        return output.getvalue()


def mm(value):
    return value * MM
