/**
 * Parameter names of a function, read from its source text (the role
 * `get-params` plays in Fabric). The parameter list is the text between the
 * first `(` and its matching `)`; comments and string literals are skipped,
 * defaults are dropped, and a destructuring pattern yields `argN`.
 */
export function parameterNames(fn: unknown): string[] {
  if (typeof fn !== "function") return [];
  const list = parameterListOf(Function.prototype.toString.call(fn));
  if (list === undefined) return [];
  return splitTopLevel(list)
    .map((param, index) => nameOf(param, index))
    .filter((name): name is string => name !== undefined);
}

function parameterListOf(source: string): string | undefined {
  const open = source.indexOf("(");
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const skip = skipLiteral(source, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    const c = source[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return stripComments(source.slice(open + 1, i));
    }
  }
  return undefined;
}

/** Index after a comment or string literal starting at `i`, or `i` when none starts there. */
function skipLiteral(source: string, i: number): number {
  const c = source[i];
  if (c === "/" && source[i + 1] === "/") {
    const end = source.indexOf("\n", i);
    return end < 0 ? source.length : end;
  }
  if (c === "/" && source[i + 1] === "*") {
    const end = source.indexOf("*/", i + 2);
    return end < 0 ? source.length : end + 2;
  }
  if (c === '"' || c === "'" || c === "`") {
    let j = i + 1;
    while (j < source.length && source[j] !== c) j += source[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  return i;
}

function stripComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const skip = skipLiteral(text, i);
    if (skip !== i && text[i] === "/") {
      out += " ";
      i = skip - 1;
    } else if (skip !== i) {
      out += text.slice(i, skip);
      i = skip - 1;
    } else {
      out += text[i];
    }
  }
  return out;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const skip = skipLiteral(list, i);
    if (skip !== i) {
      i = skip - 1;
      continue;
    }
    const c = list[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

function nameOf(param: string, index: number): string | undefined {
  const withoutRest = param.startsWith("...") ? param.slice(3).trim() : param;
  const match = /^[A-Za-z_$][\w$]*/.exec(withoutRest);
  return match ? match[0] : `arg${index}`;
}
