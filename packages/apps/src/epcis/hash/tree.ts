/**
 * The intermediate tree of the EPCIS event hash (CBV 2.0 section 8.9), the
 * same shape as the reference implementation's "simple python objects":
 * every node is (name, value, children). Business transactions, sources and
 * destinations become pairs of (type, identifier) nodes, kept in the order
 * written.
 */
export interface HashNode {
  name: string;
  value: string;
  children: HashItem[];
}

/** A (type, id) pair of a bizTransaction, source or destination. */
export interface HashPair {
  pair: HashNode[];
}

export type HashItem = HashNode | HashPair;

export function isPair(item: HashItem): item is HashPair {
  return "pair" in item;
}

/** Compares strings by Unicode code point, as Python does (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Python's ordering of (name, value, children) tuples; pairs sort after nodes (never mixed in practice). */
export function compareItems(a: HashItem, b: HashItem): number {
  if (isPair(a) || isPair(b)) return isPair(a) === isPair(b) ? 0 : isPair(a) ? 1 : -1;
  const byName = compareCodePoints(a.name, b.name);
  if (byName !== 0) return byName;
  const byValue = compareCodePoints(a.value, b.value);
  if (byValue !== 0) return byValue;
  const n = Math.min(a.children.length, b.children.length);
  for (let i = 0; i < n; i++) {
    const c = compareItems(a.children[i], b.children[i]);
    if (c !== 0) return c;
  }
  return a.children.length - b.children.length;
}

/** Sorts strings as Python's list.sort() does. */
export function sortStrings(values: string[]): string[] {
  return values.sort(compareCodePoints);
}
