#!/usr/bin/python3
"""Draws media/icon.png (256x256, the extension icon): a table, an ECG trace and a sparkle on a teal
rounded square. Our own drawing; run /usr/bin/python3 scripts/draw_icon.py after changing it."""
import os

from PIL import Image, ImageDraw
S = 1024  # draw at 4x, then downsample for smooth edges
img = Image.new('RGBA', (S, S), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
# Background: rounded square with a vertical teal gradient.
grad = Image.new('RGBA', (S, S))
gd = ImageDraw.Draw(grad)
for y in range(S):
    t = y / (S - 1)
    gd.line([(0, y), (S, y)], fill=(int(18 + 10 * t), int(112 - 40 * t), int(128 - 30 * t), 255))
mask = Image.new('L', (S, S), 0)
ImageDraw.Draw(mask).rounded_rectangle([24, 24, S - 24, S - 24], radius=200, fill=255)
img.paste(grad, (0, 0), mask)
d = ImageDraw.Draw(img)
# A table: 4 columns x 3 rows of cells in the lower half, the header row brighter.
x0, y0, cw, ch, gap = 196, 560, 150, 78, 16
for r in range(3):
    for c in range(4):
        fill = (255, 255, 255, 235) if r == 0 else (190, 236, 238, 150 if (r + c) % 2 else 110)
        d.rounded_rectangle([x0 + c * (cw + gap), y0 + r * (ch + gap), x0 + c * (cw + gap) + cw, y0 + r * (ch + gap) + ch], radius=18, fill=fill)
# An ECG trace across the upper half.
pts = [(150, 380), (330, 380), (372, 330), (414, 380), (470, 380), (510, 430), (560, 150), (612, 470), (650, 380), (720, 380), (770, 320), (830, 380), (874, 380)]
d.line(pts, fill=(255, 255, 255, 255), width=44, joint='curve')
for p in (pts[0], pts[-1]):
    d.ellipse([p[0] - 22, p[1] - 22, p[0] + 22, p[1] + 22], fill=(255, 255, 255, 255))
# A four-point sparkle: the data is synthetic.
cx, cy, R, r = 820, 200, 92, 22
d.polygon([(cx, cy - R), (cx + r, cy - r), (cx + R, cy), (cx + r, cy + r), (cx, cy + R), (cx - r, cy + r), (cx - R, cy), (cx - r, cy - r)], fill=(255, 214, 102, 255))
img.resize((256, 256), Image.LANCZOS).save(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'media', 'icon.png'), optimize=True)
