import { canonicalValue } from "./canonical-value.ts";
import { IGNORED_FIELDS, PROP_ORDER, type PropOrder } from "./prop-order.ts";
import { canonicalTimestamp } from "./time-format.ts";
import { type HashItem, type HashNode, isPair, sortStrings } from "./tree.ts";

/**
 * The pre-hash string construction of CBV 2.0 section 8.9, ported from the
 * reference implementation's hash_generator.py so that results agree with it
 * byte for byte, quirks included: ordered fields first, then every field not
 * consumed by the order (extensions, ILMD, business transactions, sources,
 * destinations) as sorted "key=value" strings.
 */

function isTimeField(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes("time") && !lower.includes("offset");
}

function shouldSort(items: readonly HashItem[]): boolean {
  return !items.some(
    (c) => !isPair(c) && (c.name === "bizTransaction" || c.name === "source" || c.name === "destination"),
  );
}

/** Everything not covered by the property order, as sorted key=value strings. */
function generic(items: readonly HashItem[]): string {
  const values = items.map((child) => {
    if (isPair(child)) return generic(child.pair);
    const text = child.value.trim();
    const value = text === "" ? "" : `=${canonicalValue(text)}`;
    return child.name + value + generic(child.children);
  });
  if (items.length > 1 && shouldSort(items)) sortStrings(values);
  return values.join("");
}

/**
 * Extensions inside readPoint, bizLocation, sensor elements and the like go
 * at the end of their parent (rule 21). The reference recognises them by a
 * "{namespace/}" name, i.e. a namespace ending in "/", and never at the top.
 */
function takeUserExtensions(list: HashItem[]): HashNode[] {
  if (list.length <= 1) return [];
  for (const c of list) if (!isPair(c) && (c.name.includes("eventTime") || c.name.includes("action"))) return [];
  const extensions = list.filter((x): x is HashNode => !isPair(x) && x.name.includes("{") && x.name.includes("/}"));
  for (const e of extensions) list.splice(list.indexOf(e), 1);
  return extensions;
}

function childPrehash(child: HashNode, order: PropOrder | null): string {
  const grandChildren = order !== null && order.length > 0 ? inOrder(child.children, order) : "";
  let text = "";
  if (child.value !== "") {
    text = child.value.trim();
    text = isTimeField(child.name) ? canonicalTimestamp(text) : canonicalValue(text);
    if (text !== "") text = `=${text}`;
  }
  return text !== "" || grandChildren !== "" ? child.name + text + grandChildren : "";
}

/** Ordered fields of `list`; consumed leaves are removed from it, as in the reference. */
function inOrder(list: HashItem[], order: PropOrder): string {
  let prehash = "";
  const extensions = takeUserExtensions(list);
  for (const entry of order) {
    const matching = list.filter((x): x is HashNode => !isPair(x) && x.name === entry.name);
    const values: string[] = [];
    for (const child of matching) {
      const s = childPrehash(child, entry.children);
      if (s !== "") values.push(s);
      if (child.children.length === 0) list.splice(list.indexOf(child), 1);
    }
    sortStrings(values);
    if (values.join("") !== "") {
      if (prehash !== "") values.unshift(prehash);
      prehash = values.join("");
    }
  }
  if (extensions.length > 0) prehash += generic(extensions);
  return prehash;
}

/** The pre-hash string of one event tree (already structure-corrected). */
export function prehashOfTree(event: HashNode): string {
  const children = [...event.children];
  const ordered = inOrder(children, PROP_ORDER);
  const rest = children.filter((c) => isPair(c) || !IGNORED_FIELDS.has(c.name));
  return `eventType=${event.name}${ordered}${rest.length > 0 ? generic(rest) : ""}`;
}
