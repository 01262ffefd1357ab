import { type HashItem, type HashNode, isPair } from "./tree.ts";

const PAIR_LISTS = new Set(["sourceList", "destinationList", "bizTransactionList"]);

/** Child names JSON leaves out or spells differently from XML (json_xml_model_mismatch_correction.py). */
function renameForXml(node: HashNode): HashNode {
  const { name } = node;
  if (name === "inputEPC" || name === "outputEPC") return { ...node, name: "epc" };
  if (
    name === "inputQuantity" ||
    name === "outputQuantity" ||
    name === "childQuantity" ||
    (name === "quantity" && node.children.length > 0)
  ) {
    return { ...node, name: "quantityElement" };
  }
  return node;
}

/**
 * Rule 13: the identifier, then its type. (The reference prototype keeps the
 * order the JSON was written in; its CBV 2.0 test vectors, GS1's early
 * example event IDs and the rule's text all put the identifier first.)
 */
function idThenType(entry: HashNode, idName: string): HashNode[] {
  const nodes = entry.children.filter((c): c is HashNode => !isPair(c));
  const id = nodes.filter((c) => c.name === idName);
  const rest = nodes.filter((c) => c.name !== idName);
  return [...id, ...rest];
}

/**
 * Brings the JSON tree to the XML data model the canonical property order is
 * written for: repeated "xList" entries become one xList node with "x"
 * children ("epcList" -> "epc"), bizTransaction/source/destination entries
 * become (type, id) pairs in written order, childEPCs entries become "epc"
 * children. Recurses like the reference's deep_structure_correction.
 */
export function correctStructure(node: HashNode): HashNode {
  const children: HashItem[] = [...node.children];
  const lists = new Map<string, HashNode[]>();
  for (const element of node.children) {
    if (isPair(element) || !element.name.endsWith("List")) continue;
    const group = lists.get(element.name) ?? [];
    group.push({ name: element.name.slice(0, -4), value: element.value, children: element.children });
    lists.set(element.name, group);
    children.splice(children.indexOf(element), 1);
  }
  for (const [name, elements] of lists) {
    if (PAIR_LISTS.has(name)) {
      children.push({ name, value: "", children: elements.map((e) => ({ pair: idThenType(e, name.slice(0, -4)) })) });
    } else {
      children.push({ name, value: "", children: elements });
    }
  }
  const childEpcs: HashNode[] = [];
  for (const element of [...children]) {
    if (!isPair(element) && element.name === "childEPCs") {
      childEpcs.push({ name: "epc", value: element.value, children: [] });
      children.splice(children.indexOf(element), 1);
    }
  }
  if (childEpcs.length > 0) children.push({ name: "childEPCs", value: "", children: childEpcs });
  const corrected = children.map((c) => (isPair(c) || PAIR_LISTS.has(c.name) ? c : correctStructure(c)));
  return renameForXml({ name: node.name, value: node.value, children: corrected });
}
