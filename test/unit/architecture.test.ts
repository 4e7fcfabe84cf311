// The house rules of DESIGN.md, checked on the source: the protocol core imports nothing of ours,
// components meet only through each other's api.ts, and only src/storage/ talks to the database
// drivers. A new file that crosses a boundary fails here with its name and the import.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dir, '../..');
const COMPONENTS = ['userapi', 'clientapi', 'roomserver', 'syncapi', 'mediaapi', 'keyserver', 'federationapi', 'appservice'];

const files = [...new Bun.Glob('src/**/*.ts').scanSync({ cwd: ROOT })];

function importsOf(file: string): string[] {
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function resolved(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(ROOT, resolve(ROOT, dirname(file), spec));
}

describe('architecture (DESIGN.md, "Rules of the house")', () => {
  test('src/protocol imports nothing else of the project and does no I/O', () => {
    const bad: string[] = [];
    for (const f of files.filter((f) => f.startsWith('src/protocol/'))) {
      for (const spec of importsOf(f)) {
        const target = resolved(f, spec);
        if (target && !target.startsWith('src/protocol/')) bad.push(`${f} -> ${spec}`);
        if (/^(node:)?(fs|net|http|https|dns|child_process|fs\/promises)$/.test(spec) || spec === 'bun:sqlite' || spec === 'postgres') {
          bad.push(`${f} -> ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  test("a component reaches another only through that one's api.ts", () => {
    const bad: string[] = [];
    for (const f of files) {
      const own = f.split('/')[1]!;
      if (!COMPONENTS.includes(own)) continue;
      for (const spec of importsOf(f)) {
        const target = resolved(f, spec);
        if (!target) continue;
        const [, other, ...rest] = target.split('/');
        if (other && other !== own && COMPONENTS.includes(other) && rest.join('/') !== 'api.ts') bad.push(`${f} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('only src/storage imports the database drivers (the bus log is the one noted exception)', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (f.startsWith('src/storage/') || f === 'src/bus/inprocess/log-store.ts') continue;
      for (const spec of importsOf(f)) if (spec === 'bun:sqlite' || spec === 'postgres') bad.push(`${f} -> ${spec}`);
    }
    expect(bad).toEqual([]);
  });

  test('every source file stays under 600 lines', () => {
    const big = files.filter((f) => readFileSync(resolve(ROOT, f), 'utf8').split('\n').length > 600);
    expect(big).toEqual([]);
  });
});
