// Request body schemas: a small validator that answers with the spec's errors.
// Missing required key -> M_MISSING_PARAM; wrong JSON type -> M_BAD_JSON; a value of the right
// type that is not allowed (enum, pattern, range) -> M_INVALID_PARAM.
import { MatrixError, type Errcode } from './errors.ts';

export interface Schema<T> {
  readonly optional: boolean;
  parse(value: unknown, path: string): T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Check<T> = (value: unknown, path: string) => T;

class Field<T> implements Schema<T> {
  constructor(
    private readonly check: Check<T>,
    readonly optional = false,
  ) {}

  parse(value: unknown, path: string): T {
    return this.check(value, path);
  }

  /** The key may be absent (or null); the parsed value is then undefined. */
  opt(): Schema<T | undefined> {
    const check = this.check;
    return new Field<T | undefined>((v, p) => (v === undefined || v === null ? undefined : check(v, p)), true);
  }

  /** Adds a rule on the parsed value; `message` is used with M_INVALID_PARAM (or `errcode`). */
  refine(ok: (value: T) => boolean, message: string, errcode: Errcode = 'M_INVALID_PARAM'): Field<T> {
    const check = this.check;
    return new Field<T>((v, p) => {
      const out = check(v, p);
      if (!ok(out)) throw new MatrixError(errcode, `${p || 'body'}: ${message}`);
      return out;
    }, this.optional);
  }
}

const typeError = (path: string, expected: string) => new MatrixError('M_BAD_JSON', `${path || 'body'} must be ${expected}`);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const string = () =>
  new Field<string>((v, p) => {
    if (typeof v !== 'string') throw typeError(p, 'a string');
    return v;
  });

export const boolean = () =>
  new Field<boolean>((v, p) => {
    if (typeof v !== 'boolean') throw typeError(p, 'a boolean');
    return v;
  });

export const integer = () =>
  new Field<number>((v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw typeError(p, 'an integer');
    return v;
  });

export const number = () =>
  new Field<number>((v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError(p, 'a number');
    return v;
  });

export const literal = <const L extends string>(...values: L[]) =>
  new Field<L>((v, p) => {
    if (typeof v !== 'string') throw typeError(p, 'a string');
    if (!values.includes(v as L)) {
      throw new MatrixError('M_INVALID_PARAM', `${p || 'body'} must be one of ${values.join(', ')}`);
    }
    return v as L;
  });

export const array = <T>(item: Schema<T>) =>
  new Field<T[]>((v, p) => {
    if (!Array.isArray(v)) throw typeError(p, 'an array');
    return v.map((x, i) => item.parse(x, `${p}[${i}]`));
  });

/** Any JSON object, kept as is (event content, account data). */
export const anyObject = () =>
  new Field<Record<string, unknown>>((v, p) => {
    if (!isPlainObject(v)) throw typeError(p, 'an object');
    return v;
  });

/** Any JSON value at all. */
export const any = () => new Field<unknown>((v) => v);

/** An object whose values all follow one schema (maps keyed by user ID, device ID…). */
export const record = <T>(value: Schema<T>) =>
  new Field<Record<string, T>>((v, p) => {
    if (!isPlainObject(v)) throw typeError(p, 'an object');
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value.parse(x, p ? `${p}.${k}` : k);
    return out;
  });

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/**
 * An object with known keys. Unknown keys are kept (`passthrough`) because the spec lets clients
 * send extension fields; only the declared ones are checked.
 */
export const object = <S extends Shape>(shape: S) =>
  new Field<ObjectOf<S> & Record<string, unknown>>((v, p) => {
    if (!isPlainObject(v)) throw typeError(p, 'an object');
    const out: Record<string, unknown> = { ...v };
    for (const [k, schema] of Object.entries(shape)) {
      const path = p ? `${p}.${k}` : k;
      const x = v[k];
      if ((x === undefined || x === null) && !schema.optional) {
        throw new MatrixError('M_MISSING_PARAM', `Missing parameter: ${path}`);
      }
      const parsed = schema.parse(x, path);
      if (parsed === undefined) delete out[k];
      else out[k] = parsed;
    }
    return out as ObjectOf<S> & Record<string, unknown>;
  });
