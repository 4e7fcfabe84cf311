// Durations and sizes as dendrite.yaml writes them. Not in the Matrix spec: Dendrite's config
// format (Go's time.ParseDuration, Dendrite's DataUnit).
import { describe, expect, test } from 'bun:test';
import { parseDuration, parseSize } from '../../../src/config/units.ts';

describe('Go durations (config notation, not spec)', () => {
  test.each([
    ['168h0m0s', 604_800_000],
    ['5m', 300_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2s500ms', 2500],
    ['-1s', -1000],
    ['+10s', 10_000],
    ['0', 0],
    ['1500us', 1.5],
    ['1µs', 0.001],
    ['250000000ns', 250],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', '5', '1d', 'h', '5 m', 'abc', '1h-5m', '.'])('%p is refused', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('sizes (config notation, not spec)', () => {
  test.each([
    ['10485760', 10_485_760],
    [10_485_760, 10_485_760],
    ['1gb', 1024 ** 3],
    ['512mb', 512 * 1024 ** 2],
    ['512MB', 512 * 1024 ** 2],
    ['1.5kb', 1536],
    ['2tb', 2 * 1024 ** 4],
    ['100b', 100],
    [0, 0],
  ])('%p is %d bytes', (v, n) => {
    expect(parseSize(v)).toBe(n);
  });

  test.each(['lots', '-1', '1 GiB', '', 'mb', -5])('%p is refused', (v) => {
    expect(parseSize(v)).toBeUndefined();
  });
});
