// Reads the parsed YAML tree key by key, against the defaults tree (defaults.ts), into typed values.
// Every problem is collected with its key path rather than thrown, so one run reports all of
// them; every key read is remembered, so keys nobody read can be reported as unknown.
import { isAbsolute, resolve } from 'node:path';
import { parseDuration, parseSize } from './units.ts';

export type Obj = Record<string, unknown>;
type Check<T> = (value: T) => string | undefined;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'a mapping';
  return String(v);
}

export class ConfigReader {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  private readonly sections: Section[] = [];

  /** `baseDir`: resolve relative paths against it; null leaves them as written. */
  constructor(readonly baseDir: string | null) {}

  error(path: string, expected: string): void {
    this.errors.push(`${path}: ${expected}`);
  }

  warn(path: string, message: string): void {
    this.warnings.push(`${path}: ${message}`);
  }

  root(raw: Obj, defaults: Obj): Section {
    return this.track(new Section(this, '', raw, defaults));
  }

  track(s: Section): Section {
    this.sections.push(s);
    return s;
  }

  /** Key paths present in the YAML that no reader asked for. */
  unknownKeys(): string[] {
    const out: string[] = [];
    for (const s of this.sections) out.push(...s.unread());
    return out;
  }

  resolvePath(p: string): string {
    if (this.baseDir === null || p === '' || isAbsolute(p)) return p;
    return resolve(this.baseDir, p);
  }
}

export class Section {
  private readonly used = new Set<string>();

  constructor(
    private readonly r: ConfigReader,
    readonly where: string,
    private readonly raw: Obj | undefined,
    private readonly def: Obj | undefined,
  ) {}

  keyPath(key: string): string {
    return this.where === '' ? key : `${this.where}.${key}`;
  }

  /** Whether the YAML gives this key a (non-null) value. */
  has(key: string): boolean {
    return this.raw?.[key] !== undefined && this.raw?.[key] !== null;
  }

  unread(): string[] {
    if (!this.raw) return [];
    return Object.keys(this.raw)
      .filter((k) => !this.used.has(k))
      .map((k) => this.keyPath(k));
  }

  /** The YAML value, else the default. YAML `key:` with nothing after it counts as absent. */
  private take(key: string): unknown {
    this.used.add(key);
    const v = this.raw?.[key];
    return v === undefined || v === null ? this.def?.[key] : v;
  }

  /** Reports a problem with this key: `expected` says what would have been right. */
  invalid(key: string, expected: string, got?: unknown): void {
    this.r.error(this.keyPath(key), got === undefined ? expected : `expected ${expected}, got ${show(got)}`);
  }

  string(key: string, opts: { required?: string; check?: Check<string> } = {}): string {
    const v = this.take(key);
    let s = '';
    // Go's YAML decoder reads any scalar into a string field (`default_room_version: 10`).
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
    else if (v !== undefined) this.invalid(key, 'a string', v);
    if (s === '' && opts.required) {
      this.invalid(key, `required, ${opts.required}`);
    } else if (s !== '' && opts.check) {
      const problem = opts.check(s);
      if (problem) this.invalid(key, problem, s);
    }
    return s;
  }

  oneOf<T extends string>(key: string, values: readonly T[], aliases: Record<string, T> = {}): T {
    const s = this.string(key);
    const found = values.find((v) => v === s) ?? aliases[s];
    if (found) return found;
    if (s === '') this.invalid(key, `required, one of ${values.join(', ')}`);
    else this.invalid(key, `one of ${values.join(', ')}`, s);
    return values[0]!;
  }

  bool(key: string): boolean {
    const v = this.take(key);
    if (typeof v === 'boolean') return v;
    // YAML 1.1 booleans, which Dendrite's Go YAML decoder accepts.
    if (typeof v === 'string') {
      const l = v.toLowerCase();
      if (['yes', 'on', 'y', 'true'].includes(l)) return true;
      if (['no', 'off', 'n', 'false'].includes(l)) return false;
    }
    if (v !== undefined) this.invalid(key, 'true or false', v);
    return false;
  }

  int(key: string, opts: { min?: number; max?: number } = {}): number {
    const v = this.take(key);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      if (v !== undefined) this.invalid(key, 'an integer', v);
      return typeof this.def?.[key] === 'number' ? (this.def[key] as number) : 0;
    }
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      const range =
        opts.max === undefined ? `at least ${opts.min}` : opts.min === undefined ? `at most ${opts.max}` : `from ${opts.min} to ${opts.max}`;
      this.invalid(key, `an integer ${range}`, v);
    }
    return v;
  }

  /** A Go duration (`168h0m0s`, `5m`, `500ms`), in milliseconds. */
  duration(key: string, opts: { positive?: boolean } = {}): number {
    const v = this.take(key);
    // A bare number would be nanoseconds to Go's decoder; nobody means that, so only 0 is allowed.
    const ms = v === 0 ? 0 : typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined) {
      if (v !== undefined) this.invalid(key, 'a duration with a unit, like 5m, 1h30m or 168h0m0s', v);
      return 0;
    }
    if (opts.positive && ms <= 0) this.invalid(key, 'a duration greater than zero', v);
    return ms;
  }

  /** A size in bytes: a number, or a number with kb/mb/gb/tb (1024-based). */
  size(key: string): number {
    const v = this.take(key);
    const n = typeof v === 'string' || typeof v === 'number' ? parseSize(v) : undefined;
    if (n === undefined) {
      if (v !== undefined) this.invalid(key, 'a size in bytes, like 10485760, 512mb or 1gb', v);
      return 0;
    }
    return n;
  }

  /** A file or folder path; relative paths are resolved against the config file's folder. */
  path(key: string, opts: { required?: string } = {}): string {
    return this.r.resolvePath(this.string(key, opts));
  }

  /** Resolves a path found inside a value (a `file:` connection string) like `path()` does. */
  resolvePath(p: string): string {
    return this.r.resolvePath(p);
  }

  strings(key: string, check?: Check<string>): string[] {
    const v = this.take(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.invalid(key, 'a list', v);
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' && typeof item !== 'number') {
        this.r.error(`${this.keyPath(key)}[${i}]`, `expected a string, got ${show(item)}`);
        return;
      }
      const s = String(item);
      const problem = check?.(s);
      if (problem) this.r.error(`${this.keyPath(key)}[${i}]`, `expected ${problem}, got ${show(s)}`);
      out.push(s);
    });
    return out;
  }

  paths(key: string): string[] {
    return this.strings(key).map((p) => this.r.resolvePath(p));
  }

  /** A nested mapping; `defaultsKey` names the defaults to use when they sit under another key. */
  section(key: string, defaultsKey = key): Section {
    const v = this.take(key);
    const def = isObj(this.def?.[defaultsKey]) ? (this.def![defaultsKey] as Obj) : undefined;
    if (v !== undefined && !isObj(v)) {
      this.invalid(key, 'a mapping (indented key: value lines)', v);
      return this.r.track(new Section(this.r, this.keyPath(key), undefined, def));
    }
    // Only the YAML's own mapping is checked for unknown keys, never the defaults.
    const own = isObj(this.raw?.[key]) ? (this.raw![key] as Obj) : undefined;
    return this.r.track(new Section(this.r, this.keyPath(key), own, def));
  }

  /** A list of mappings; each item is read by `read`, with `itemDefaults` filling its gaps. */
  list<T>(key: string, read: (item: Section) => T, itemDefaults: Obj = {}): T[] {
    const v = this.take(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.invalid(key, 'a list', v);
      return [];
    }
    const out: T[] = [];
    v.forEach((item, i) => {
      const path = `${this.keyPath(key)}[${i}]`;
      if (!isObj(item)) {
        this.r.error(path, `expected a mapping, got ${show(item)}`);
        return;
      }
      out.push(read(this.r.track(new Section(this.r, path, item, itemDefaults))));
    });
    return out;
  }

  /** Takes a value as it is (the `sytest:` block); marks it read. */
  any(key: string): unknown {
    return this.take(key);
  }

  /** A Dendrite option this server does not implement: warn if it is switched on, else stay quiet. */
  unsupported(key: string, what: string): void {
    const v = this.take(key);
    if (v === undefined) return;
    const on = isObj(v) ? v.enabled === true : v === true || (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0);
    if (on) this.r.warn(this.keyPath(key), `${what} is not supported by this server; ignored`);
  }
}
