/**
 * Draws the add-on's store images (issue 26 §2): `addon/icon.png`, 128 × 128, and
 * `addon/logo.png`, 250 × 100, the sizes Home Assistant's add-on presentation guide asks for.
 * No image tool is installed here, so the shapes are drawn as coverage functions with 4 × 4
 * supersampling and written as RGBA PNGs with node:zlib. Run: `node --import tsx
 * scripts/draw-addon-images.ts`; the PNGs are committed, nothing runs this at build time.
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];
/** Whether a point (in pixels) is inside a shape. */
type Shape = (x: number, y: number) => boolean;

const RED: Rgba = [198, 40, 40, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const SLATE: Rgba = [96, 125, 139, 255];
const SAMPLES = 4;

class Canvas {
  readonly pixels: Float64Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Float64Array(width * height * 4);
  }

  /** Paints `shape` in `colour` over what is there, its edges by coverage. */
  fill(shape: Shape, colour: Rgba): void {
    for (let py = 0; py < this.height; py++)
      for (let px = 0; px < this.width; px++) {
        let hits = 0;
        for (let sy = 0; sy < SAMPLES; sy++)
          for (let sx = 0; sx < SAMPLES; sx++)
            if (shape(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES)) hits++;
        if (hits === 0) continue;
        const a = (hits / SAMPLES ** 2) * (colour[3] / 255);
        const i = (py * this.width + px) * 4;
        const below = this.pixels[i + 3]!;
        const out = a + below * (1 - a);
        for (let c = 0; c < 3; c++)
          this.pixels[i + c] = out ? (colour[c]! * a + this.pixels[i + c]! * below * (1 - a)) / out : 0;
        this.pixels[i + 3] = out;
      }
  }

  png(): Buffer {
    const rows = Buffer.alloc((this.width * 4 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      const row = y * (this.width * 4 + 1);
      rows[row] = 0; // filter: none
      for (let x = 0; x < this.width * 4; x += 4) {
        const i = y * this.width * 4 + x;
        for (let c = 0; c < 3; c++) rows[row + 1 + x + c] = Math.round(this.pixels[i + c]!);
        rows[row + 1 + x + 3] = Math.round(this.pixels[i + 3]! * 255);
      }
    }
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8; // bits per channel
    header[9] = 6; // RGBA
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

const roundedSquare =
  (x0: number, y0: number, size: number, radius: number): Shape =>
  (x, y) => {
    const dx = Math.max(x0 + radius - x, 0, x - (x0 + size - radius));
    const dy = Math.max(y0 + radius - y, 0, y - (y0 + size - radius));
    return x >= x0 && x <= x0 + size && y >= y0 && y <= y0 + size && dx * dx + dy * dy <= radius * radius;
  };

/** A stroke along line segments, round-capped: the letters and the flagpole. */
const strokes =
  (segments: Array<[number, number, number, number]>, width: number): Shape =>
  (x, y) =>
    segments.some(([x1, y1, x2, y2]) => {
      const vx = x2 - x1;
      const vy = y2 - y1;
      const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy || 1)));
      return Math.hypot(x - (x1 + t * vx), y - (y1 + t * vy)) <= width / 2;
    });

/** An arc as segments; angles in degrees, 0 to the right, y pointing down. */
function arc(
  cx: number,
  cy: number,
  r: number,
  from: number,
  to: number,
): Array<[number, number, number, number]> {
  const steps = Math.max(8, Math.ceil(Math.abs(to - from) / 10));
  const at = (i: number) => {
    const a = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as const;
  };
  return Array.from(
    { length: steps },
    (_, i) => [...at(i), ...at(i + 1)] as [number, number, number, number],
  );
}

/** The flag on its pole in a `size` box at (x0, y0): the icon, and the logo's left part. */
function drawFlag(canvas: Canvas, x0: number, y0: number, size: number): void {
  const u = (v: number) => v * size;
  canvas.fill(roundedSquare(x0 + u(0.02), y0 + u(0.02), u(0.96), u(0.2)), RED);
  canvas.fill(strokes([[x0 + u(0.3), y0 + u(0.2), x0 + u(0.3), y0 + u(0.82)]], u(0.075)), WHITE);
  const left = u(0.33);
  const right = u(0.78);
  canvas.fill((x, y) => {
    const fx = x - x0;
    if (fx < left || fx > right) return false;
    const top = u(0.2) + u(0.045) * Math.sin(((fx - left) / (right - left)) * 2 * Math.PI);
    return y - y0 >= top && y - y0 <= top + u(0.31);
  }, WHITE);
}

/** "RedFlag" in round strokes: cap height `h`, baseline at `base`, starting at `x`. */
function drawWordmark(canvas: Canvas, x: number, base: number, h: number): void {
  const top = base - h;
  const xh = base - 0.62 * h; // x-height line
  const r = 0.31 * h; // the bowls of e, d, a, g
  const cy = base - r;
  const glyphs: Array<{
    colour: Rgba;
    width: number;
    draw: (gx: number) => Array<[number, number, number, number]>;
  }> = [
    {
      colour: RED,
      width: 0.62 * h,
      draw: (gx) => [
        [gx, top, gx, base],
        [gx, top, gx + 0.33 * h, top],
        ...arc(gx + 0.33 * h, top + 0.25 * h, 0.25 * h, -90, 90),
        [gx + 0.33 * h, top + 0.5 * h, gx, top + 0.5 * h],
        [gx + 0.28 * h, top + 0.5 * h, gx + 0.62 * h, base],
      ],
    },
    {
      colour: RED,
      width: 2 * r,
      draw: (gx) => [[gx, cy, gx + 2 * r, cy], ...arc(gx + r, cy, r, 0, -310)],
    },
    {
      colour: RED,
      width: 2 * r,
      draw: (gx) => [...arc(gx + r, cy, r, 0, 360), [gx + 2 * r, top, gx + 2 * r, base]],
    },
    {
      colour: SLATE,
      width: 0.52 * h,
      draw: (gx) => [
        [gx, top, gx, base],
        [gx, top, gx + 0.52 * h, top],
        [gx, top + 0.47 * h, gx + 0.42 * h, top + 0.47 * h],
      ],
    },
    { colour: SLATE, width: 0, draw: (gx) => [[gx, top, gx, base]] },
    {
      colour: SLATE,
      width: 2 * r,
      draw: (gx) => [...arc(gx + r, cy, r, 0, 360), [gx + 2 * r, xh, gx + 2 * r, base]],
    },
    {
      colour: SLATE,
      width: 2 * r,
      draw: (gx) => [
        ...arc(gx + r, cy, r, 0, 360),
        [gx + 2 * r, xh, gx + 2 * r, base + 0.2 * h],
        ...arc(gx + r, base + 0.2 * h, r, 0, 150),
      ],
    },
  ];
  const stroke = 0.15 * h;
  let gx = x + stroke / 2;
  for (const glyph of glyphs) {
    canvas.fill(strokes(glyph.draw(gx), stroke), glyph.colour);
    gx += glyph.width + 0.24 * h;
  }
}

const icon = new Canvas(128, 128);
drawFlag(icon, 0, 0, 128);
writeFileSync(new URL('../addon/icon.png', import.meta.url), icon.png());

const logo = new Canvas(250, 100);
drawFlag(logo, 2, 5, 90);
drawWordmark(logo, 100, 62, 26);
writeFileSync(new URL('../addon/logo.png', import.meta.url), logo.png());
