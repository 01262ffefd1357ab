import { type AstNode, childNodes, parseChaincodeFile } from "./ast.ts";

/** One static `require("...")` call of a file. */
export interface RequireCall {
  request: string;
  /** Inside a `try` block: a library probing for an optional module, so a failure is left to run time. */
  optional: boolean;
}

function literalRequest(node: AstNode): string | undefined {
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && (node.expressions as AstNode[]).length === 0) {
    const [quasi] = node.quasis as AstNode[];
    const cooked = (quasi.value as { cooked?: unknown }).cooked;
    return typeof cooked === "string" ? cooked : undefined;
  }
  if (node.type === "ParenthesizedExpression") return literalRequest(node.expression as AstNode);
  return undefined;
}

/**
 * The string-literal `require()` calls of a CommonJS file, in source order.
 * Calls with computed arguments are not followed: the sandbox cannot load
 * what was not bundled, so they fail at run time with a coded error.
 */
export function findRequires(source: string, path: string): RequireCall[] {
  const out: RequireCall[] = [];
  const visit = (node: AstNode, optional: boolean): void => {
    if (node.type === "CallExpression") {
      const callee = node.callee as AstNode;
      const args = node.arguments as AstNode[];
      if (callee.type === "Identifier" && callee.name === "require" && args.length === 1) {
        const request = literalRequest(args[0]);
        if (request !== undefined) out.push({ request, optional });
      }
    }
    if (node.type === "TryStatement") {
      visit(node.block as AstNode, true);
      for (const part of [node.handler, node.finalizer]) if (part) visit(part as AstNode, optional);
      return;
    }
    for (const child of childNodes(node)) visit(child, optional);
  };
  visit(parseChaincodeFile(source, path), false);
  return out;
}
