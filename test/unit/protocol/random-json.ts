// Seeded random JSON for property tests: strings mix ASCII, C0 controls, U+007F, U+2028,
// U+E000–U+FFFF and characters above U+FFFF; numbers are canonical integers up to the limits.

/** mulberry32: a small seeded PRNG, so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '日', '\ue000', '\uffff', '😀', '\u{10FFFF}', '\u{10000}'];

export function randomString(next: () => number, max = 6): string {
  let s = '';
  const n = Math.floor(next() * (max + 1));
  for (let i = 0; i < n; i++) s += CHARS[Math.floor(next() * CHARS.length)];
  return s;
}

function randomNumber(next: () => number): number {
  const r = next();
  if (r < 0.1) return Number.MAX_SAFE_INTEGER;
  if (r < 0.2) return Number.MIN_SAFE_INTEGER;
  if (r < 0.3) return 0;
  return Math.floor((next() - 0.5) * 2 ** (Math.floor(next() * 53)));
}

export function randomJson(next: () => number, depth: number): unknown {
  const r = next();
  if (depth <= 0 || r < 0.35) {
    const leaf = next();
    if (leaf < 0.4) return randomString(next);
    if (leaf < 0.7) return randomNumber(next) || 0; // never -0: it reads back as 0
    if (leaf < 0.8) return true;
    if (leaf < 0.9) return false;
    return null;
  }
  const n = Math.floor(next() * 5);
  if (r < 0.6) return Array.from({ length: n }, () => randomJson(next, depth - 1));
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) obj[randomString(next, 4)] = randomJson(next, depth - 1);
  return obj;
}
