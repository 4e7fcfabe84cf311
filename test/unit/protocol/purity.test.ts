// DESIGN.md: "src/protocol/ imports nothing else of the project" and does no I/O. This walks every
// file under src/protocol (all owners) and names any import that leaves the folder or reaches for
// I/O; the only outside modules are hashing/signing primitives.
import { expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dir, '../../../src/protocol');
const ALLOWED = new Set(['node:crypto', '@noble/ed25519', '@noble/hashes/sha2.js']);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
const IO = /\b(?:Bun\.(?:file|write|spawn|serve|connect|listen|sql)|fetch\(|process\.env|require\()/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('src/protocol imports only itself and crypto primitives, and does no I/O', () => {
  const problems: string[] = [];
  for (const file of files(ROOT)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string;
      const where = relative(ROOT, file);
      if (spec.startsWith('.')) {
        if (relative(ROOT, resolve(dirname(file), spec)).startsWith('..')) problems.push(`${where}: ${spec} leaves src/protocol`);
      } else if (!ALLOWED.has(spec)) {
        problems.push(`${where}: imports ${spec}`);
      }
    }
    if (IO.test(text)) problems.push(`${relative(ROOT, file)}: looks like I/O (${text.match(IO)?.[0]})`);
  }
  expect(problems).toEqual([]);
});
