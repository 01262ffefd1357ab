import { CityChainError, ErrorCode } from "@citychain/protocol";
import { parse } from "acorn";

/** An ESTree node as acorn produces it, read generically. */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [field: string]: unknown;
}

export function isAstNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/**
 * Parses one chaincode file as Node parses a CommonJS module: a script
 * (sloppy unless it says "use strict") whose top level may `return`, with
 * every syntax acorn knows. Parenthesised expressions are kept as nodes so
 * that an edit around an expression also spans its parentheses.
 */
export function parseChaincodeFile(source: string, path: string): AstNode {
  try {
    return parse(source, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowReturnOutsideFunction: true,
      allowHashBang: true,
      preserveParens: true,
    }) as unknown as AstNode;
  } catch (e) {
    // A RangeError here means the nesting is deeper than the parser's stack.
    const reason = e instanceof SyntaxError || e instanceof RangeError ? e.message : String(e);
    throw new CityChainError(
      { code: ErrorCode.CHAINCODE_SYNTAX_INVALID },
      `${path} does not parse as a CommonJS script (${reason}); chaincode must be compiled to CommonJS JavaScript`,
    );
  }
}

/** The child nodes of `node`, in source order. */
export function childNodes(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const key in node) {
    if (key === "type" || key === "start" || key === "end") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isAstNode(item)) out.push(item);
    } else if (isAstNode(value)) {
      out.push(value);
    }
  }
  return out;
}

/** True for every kind of function node. */
export function isFunctionNode(node: AstNode): boolean {
  return (
    node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression"
  );
}
