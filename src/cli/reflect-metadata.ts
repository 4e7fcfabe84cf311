// @peculiar/x509 registers its algorithms with tsyringe, which refuses to load unless the
// `reflect-metadata` API exists on Reflect. It only stores and reads plain values through it
// (x509 emits no decorator type metadata), so a small WeakMap store is enough and spares a package.
// Import this module before loading @peculiar/x509 (tls-certificate.ts loads it dynamically after).
type Store = WeakMap<object, Map<unknown, unknown>>;
const store: Store = new WeakMap();
const R = Reflect as unknown as Record<string, unknown>;

if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (key: unknown, value: unknown, target: object): void => {
    let m = store.get(target);
    if (!m) store.set(target, (m = new Map()));
    m.set(key, value);
  };
  R.getOwnMetadata = (key: unknown, target: object): unknown => store.get(target)?.get(key);
  R.hasOwnMetadata = (key: unknown, target: object): boolean => store.get(target)?.has(key) ?? false;
  R.getMetadata = (key: unknown, target: object): unknown => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
      const m = store.get(o);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
  R.hasMetadata = (key: unknown, target: object): boolean => (R.getMetadata as (k: unknown, t: object) => unknown)(key, target) !== undefined;
}

export {};
