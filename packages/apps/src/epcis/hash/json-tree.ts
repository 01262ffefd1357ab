import { pythonStr } from "./python-format.ts";
import { compareItems, type HashNode } from "./tree.ts";

/**
 * JSON-LD event to hash tree, a port of json_to_py.py of the reference
 * implementation: keys with a prefix declared in the @context become
 * "{namespace}local" (rule 20's notation), values with such a prefix are
 * expanded, lists repeat their key once per element, and every object's
 * children are sorted, except objects holding a bizTransaction, source or
 * destination, whose (type, id) order must survive (rule 13).
 */
export class JsonTreeBuilder {
  /** Prefix -> "{namespace}"; "@xmlns:" keys (XML-converted JSON) add to it while reading. */
  private readonly namespaces: Map<string, string>;

  constructor(context: unknown) {
    this.namespaces = new Map();
    // Like the reference, only a @context given as an array contributes prefixes.
    if (Array.isArray(context)) {
      for (const c of context) {
        if (typeof c === "string") this.namespaces.set(c, `{${c}}`);
        else if (c !== null && typeof c === "object") {
          for (const [k, v] of Object.entries(c)) if (typeof v === "string") this.namespaces.set(k, `{${v}}`);
        }
      }
    }
  }

  private replaceNamespace(text: string, isValue: boolean): string {
    const colon = text.indexOf(":");
    if (colon < 0) return text;
    const ns = this.namespaces.get(text.slice(0, colon));
    if (ns === undefined) return text;
    return (isValue ? ns.replace(/[{}]/g, "") : ns) + text.slice(colon + 1);
  }

  /** The tree of one JSON value (an event object at the top). */
  build(json: unknown): HashNode {
    let node: HashNode = { name: "", value: "", children: [] };
    if (Array.isArray(json)) {
      for (const child of json) node.children.push(this.build(child));
    } else if (json !== null && typeof json === "object") {
      const obj = json as Record<string, unknown>;
      if ("type" in obj) node = { name: pythonStr(obj.type), value: "", children: [] };
      if ("#text" in obj) node.value = pythonStr(obj["#text"]);
      for (const [key, val] of Object.entries(obj)) {
        if (key === "#text" || key === "rdfs:comment" || key === "comment") continue;
        if (key.startsWith("@xmlns")) {
          this.namespaces.set(key.slice(7), `{${pythonStr(val)}}`);
          node.name = this.replaceNamespace(node.name, false);
          continue;
        }
        const child = this.build(val);
        const name = this.replaceNamespace(key, false);
        if (Array.isArray(val)) {
          for (const element of child.children as HashNode[]) {
            node.children.push({ name, value: element.value, children: element.children });
          }
        } else {
          node.children.push({ name, value: child.value, children: child.children });
        }
      }
    } else {
      const text = typeof json === "string" ? this.replaceNamespace(json, true) : json;
      return { name: "", value: pythonStr(text), children: [] };
    }
    if (!keepsOrder(json)) node.children.sort(compareItems);
    return node;
  }
}

/** The reference's `k in json_obj` test: a key of an object, or an element of a list. */
function keepsOrder(json: unknown): boolean {
  const keys = ["bizTransaction", "source", "destination"];
  if (Array.isArray(json)) return keys.some((k) => json.includes(k));
  return keys.some((k) => Object.hasOwn(json as object, k));
}
