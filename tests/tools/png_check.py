#!/usr/bin/env python3
"""png_check.py PNG [--min-ink SHARE] [--min-colours N] [--colour RRGGBB:MIN_PIXELS ...]

Decodes a PNG (8-bit greyscale/RGB/RGBA, not interlaced: what Chromium writes) with zlib and struct only and
says whether it is blank. The background is the most frequent colour; "ink" is every pixel that differs from it.
Fails (exit 1, with the numbers) when the ink share is below --min-ink, when there are fewer than --min-colours
distinct colours, or when a required colour (exact match, e.g. a chart's fill) covers fewer than MIN_PIXELS.
Exit 2 when the file is not a PNG it can decode.
"""
import argparse
import struct
import sys
import zlib
from collections import Counter


def decode_png(path):
    """Returns (width, height, colour counts) with the counts a Counter of (r, g, b) tuples."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        raise ValueError("no IHDR or IDAT chunk")
    width, height, depth, colour_type, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour_type)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour_type}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"image data is {len(raw)} bytes, expected {height * (stride + 1)}")
    counts = Counter()
    prev = bytes(stride)
    c = channels
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:  # Sub
            for i in range(c, stride):
                line[i] = (line[i] + line[i - c]) & 0xFF
        elif ftype == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:  # Average
            for i in range(stride):
                left = line[i - c] if i >= c else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:  # Paeth
            for i in range(stride):
                a = line[i - c] if i >= c else 0
                b = prev[i]
                cc = prev[i - c] if i >= c else 0
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else (b if pb <= pc else cc))) & 0xFF
        elif ftype != 0:
            raise ValueError(f"bad filter type {ftype} in row {y}")
        prev = line
        if c >= 3:
            counts.update(zip(line[0::c], line[1::c], line[2::c]))
        else:
            counts.update((v, v, v) for v in line[0::c])
    return width, height, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("--min-ink", type=float, default=0.02, help="share of non-background pixels required")
    ap.add_argument("--min-colours", type=int, default=8)
    ap.add_argument("--colour", action="append", default=[], help="RRGGBB:MIN_PIXELS")
    args = ap.parse_args()
    try:
        width, height, counts = decode_png(args.png)
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print(f"png_check: {args.png}: not a decodable PNG: {e}", file=sys.stderr)
        return 2
    total = width * height
    background, bg_n = counts.most_common(1)[0]
    ink = 1.0 - bg_n / total
    problems = []
    if ink < args.min_ink:
        problems.append(f"only {ink:.2%} of pixels differ from the background {background} (need {args.min_ink:.2%})")
    if len(counts) < args.min_colours:
        problems.append(f"only {len(counts)} distinct colours (need {args.min_colours})")
    for spec in args.colour:
        hexcode, _, need = spec.partition(":")
        rgb = tuple(int(hexcode[i:i + 2], 16) for i in (0, 2, 4))
        if counts.get(rgb, 0) < int(need or 1):
            problems.append(f"colour #{hexcode} covers {counts.get(rgb, 0)} pixels (need {need})")
    summary = f"{width}x{height}, {len(counts)} colours, {ink:.2%} ink on background {background}"
    if problems:
        print(f"png_check: {args.png}: BLANK or incomplete ({summary}): " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"png_check: {args.png}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
