// Draws the extension's icon (icon.png, 128×128 RGBA) with no dependency: shapes sampled 4×4 per pixel
// for smooth edges, written as a PNG with node:zlib. The icon is committed; run this only to change it.
//   node extension/scripts/make-icon.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZE = 128;
const SAMPLES = 4;

/** Inside a rounded rectangle (x0, y0)–(x1, y1) with corner radius r. */
const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= r * r;
};

/** Inside the triangle a, b, c. */
const triangle = (a, b, c) => (x, y) => {
  const side = (p, q) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const s1 = side(a, b), s2 = side(b, c), s3 = side(c, a);
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
};

// Back to front: a dark tile, three numbered migration files as bars (the newest, pending, outlined in
// Supabase green), and a "run" triangle.
const GREEN = [62, 207, 142];
const layers = [
  { inside: roundedRect(4, 4, 124, 124, 26), color: [28, 28, 30] },
  { inside: roundedRect(22, 26, 84, 42, 7), color: GREEN },
  { inside: roundedRect(22, 56, 84, 72, 7), color: GREEN },
  { inside: roundedRect(22, 86, 84, 102, 7), color: GREEN, alpha: 0.35 },
  { inside: triangle([92, 74], [92, 106], [116, 90]), color: [255, 255, 255] },
];

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let [r, g, b, a] = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const px = x + (sx + 0.5) / SAMPLES, py = y + (sy + 0.5) / SAMPLES;
        // Composite the layers at this sample ("over"), in premultiplied terms.
        let [cr, cg, cb, ca] = [0, 0, 0, 0];
        for (const layer of layers) {
          if (!layer.inside(px, py)) continue;
          const la = layer.alpha ?? 1;
          cr = layer.color[0] * la + cr * (1 - la);
          cg = layer.color[1] * la + cg * (1 - la);
          cb = layer.color[2] * la + cb * (1 - la);
          ca = la + ca * (1 - la);
        }
        r += cr; g += cg; b += cb; a += ca;
      }
    }
    const n = SAMPLES * SAMPLES;
    const at = y * (SIZE * 4 + 1) + 1 + x * 4;
    const alpha = a / n;
    raw[at] = alpha ? Math.round(r / n / alpha) : 0;
    raw[at + 1] = alpha ? Math.round(g / n / alpha) : 0;
    raw[at + 2] = alpha ? Math.round(b / n / alpha) : 0;
    raw[at + 3] = Math.round(alpha * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
const out = new URL("../icon.png", import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes, ${SIZE}×${SIZE})`);
