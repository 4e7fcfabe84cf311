// Go-style durations and Dendrite's data sizes, as they appear in dendrite.yaml.
// Durations become milliseconds, sizes bytes. The parsers return undefined for anything they do
// not understand, so the caller can report it with the key path.

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign, as Go accepts
  'μs': 1e-3, // U+03BC Greek mu, as Go accepts
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go `time.ParseDuration` string: `168h0m0s`, `5m`, `1.5h`, `500ms`, `-1s`, `0`.
 * A sequence of decimal numbers, each with a unit; a bare `0` needs no unit.
 */
export function parseDuration(text: string): number | undefined {
  let s = text.trim();
  if (s === '') return undefined;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  const part = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  let total = 0;
  while (s.length > 0) {
    const m = part.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
};

/**
 * Parses a data size: a number of bytes (`10485760`) or a number with Dendrite's binary units
 * (`512mb`, `1gb`, `1.5kb`; case-insensitive; kb = 1024 bytes).
 */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const m = /^\s*(\d+\.?\d*|\.\d+)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(value);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]!);
}
