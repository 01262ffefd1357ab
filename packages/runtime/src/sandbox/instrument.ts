import { CityChainError, ErrorCode } from "@citychain/protocol";
import { type AstNode, childNodes, isAstNode, isFunctionNode, parseChaincodeFile } from "./ast.ts";
import { Splicer } from "./splicer.ts";

/**
 * Rewrites chaincode so that a deterministic budget can stop it, at the same
 * point on every node. The output is the input with text inserted at acorn's
 * positions (no code is regenerated, so it is stable across versions of
 * anything but acorn), and it calls the meter `__cc` (see
 * `realm/meter.ts`), which the loader passes to each file's wrapper:
 *
 * - every loop body starts with `__cc.t()` (one tick);
 * - every function body (functions, methods, accessors, arrows, class static
 *   blocks, and each file's top level) is
 *   `const __ccD = __cc.e(); try { body } finally { __cc.x(__ccD) }`: a tick,
 *   and the call depth is checked and restored on exit, even by an exception;
 * - generator and async bodies are split into segments at each `await` and
 *   `yield`: the depth is given back before the function suspends
 *   (`__cc.u(value, __ccS = true, __ccD)`) and taken again when it resumes
 *   (`__ccD = __cc.r()`); `__ccS` says whether it is suspended, for the resume
 *   that arrives as an exception (`gen.throw`, a rejected promise);
 * - every `catch` and `finally` block starts with `__cc.k(__ccD)`: a tick, and
 *   the depth of its own function again. Once the budget is spent every tick
 *   throws, so catching the budget error cannot keep code running;
 * - spread elements are charged by size before they copy: `[...__cc.s(x)]`,
 *   `{...__cc.so(o)}`; a call with spread arguments also counts the
 *   arguments as call depth while it runs:
 *   `__cc.sr(__cc.sp(), f(...__cc.sa(x)))`; array rest patterns charge the
 *   array they copy from.
 *
 * A body that declares a function twice, or a function and a `var` of the
 * same name, cannot be put in a `try` block (block-level functions are
 * lexical); such a body is instrumented without the `try`, and each of its
 * `return`s and its end give the depth back instead (`__cc.rt`). Only an
 * exception leaving it then keeps its level counted, until a `catch` or
 * `finally` that restores its own level: the count can run high, never low.
 *
 * Sources that name an identifier starting with `__cc`, or use `import()`,
 * `import.meta` or `with`, are rejected: they could reach the meter, load code
 * around the bundle, or change scoping under the instrumentation.
 */
export function instrumentSource(source: string, path: string): string {
  // A hash-bang line is only valid at the very start of a file; the loader
  // wraps the file in a function, so it becomes a comment of the same length.
  const text = source.startsWith("#!") ? `//${source.slice(2)}` : source;
  const program = parseChaincodeFile(text, path);
  const splicer = new Splicer(text);
  new Instrumenter(splicer, path).program(program, text.length);
  return splicer.toString();
}

/** The reserved prefix of the meter's identifiers. */
export const METER_IDENTIFIER_PREFIX = "__cc";

interface Scope {
  /** Generators and async functions are run in segments (see above). */
  segmented: boolean;
  isAsync: boolean;
  /** No `try` around the body: returns give the depth back (see above). */
  noTry: boolean;
}

const SYNC: Scope = { segmented: false, isAsync: false, noTry: false };

function prologue(scope: Scope): string {
  const declare = scope.segmented ? "let __ccD=__cc.e(),__ccS=false;" : "const __ccD=__cc.e();";
  return scope.noTry ? declare : `${declare}try{`;
}

function epilogue(scope: Scope): string {
  const leave = scope.segmented ? "__ccS||__cc.x(__ccD)" : "__cc.x(__ccD)";
  return scope.noTry ? `;${leave};` : `}finally{${leave}}`;
}

function blockEntry(scope: Scope, caught?: string): string {
  const arg = caught ? `,${caught}` : "";
  return scope.segmented ? `if(__ccS){__ccS=false;__ccD=__cc.r()}__cc.k(__ccD${arg});` : `__cc.k(__ccD${arg});`;
}

const RESUME = ",__ccS=false,__ccD=__cc.r())";
const SUSPEND = ",__ccS=true,__ccD)";

const LOOPS = new Set(["ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement", "DoWhileStatement"]);

class Instrumenter {
  private readonly parents: AstNode[] = [];

  constructor(
    private readonly out: Splicer,
    private readonly path: string,
  ) {}

  program(program: AstNode, end: number): void {
    const body = program.body as AstNode[];
    const scope: Scope = { ...SYNC, noTry: hasDeclarationConflict(body) };
    // The file may end inside a line comment.
    this.bodyEdits(body, 0, end, scope, `\n${epilogue(scope)}`);
    this.children(program, scope);
  }

  private forbid(node: AstNode, what: string): never {
    throw new CityChainError(
      { code: ErrorCode.CHAINCODE_SOURCE_FORBIDDEN },
      `${this.path} at offset ${node.start}: ${what} is not allowed in chaincode`,
    );
  }

  /** Where a prologue goes: after the directives ("use strict") that open a body. */
  private afterDirectives(body: AstNode[], start: number): number {
    let at = start;
    for (const statement of body) {
      if (statement.type !== "ExpressionStatement" || typeof statement.directive !== "string") break;
      at = statement.end;
    }
    return at;
  }

  /** Inserts the prologue after the directives from `open`, and the epilogue at `close`. */
  private bodyEdits(body: AstNode[], open: number, close: number, scope: Scope, closeText: string): void {
    const at = this.afterDirectives(body, open);
    const start = (at === open ? "" : ";") + prologue(scope);
    // In an empty body both go at one offset, where a closing would sort first.
    if (at === close) this.out.open(at, start + closeText);
    else {
      this.out.open(at, start);
      this.out.close(close, closeText);
    }
  }

  private children(node: AstNode, scope: Scope): void {
    this.parents.push(node);
    for (const child of childNodes(node)) this.visit(child, scope);
    this.parents.pop();
  }

  private visit(node: AstNode, scope: Scope): void {
    switch (node.type) {
      case "Identifier":
        if ((node.name as string).startsWith(METER_IDENTIFIER_PREFIX)) {
          this.forbid(
            node,
            `the identifier ${node.name as string} (the prefix ${METER_IDENTIFIER_PREFIX} is reserved)`,
          );
        }
        return;
      case "ImportExpression":
        this.forbid(node, "dynamic import()");
        break;
      case "MetaProperty":
        if ((node.meta as AstNode).name === "import") this.forbid(node, "import.meta");
        return;
      case "WithStatement":
        this.forbid(node, "a with statement");
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        this.fn(node);
        return;
      case "StaticBlock":
        this.staticBlock(node);
        return;
      case "CatchClause":
        this.block(
          node.body as AstNode,
          scope,
          isAstNode(node.param) && node.param.type === "Identifier" ? node.param : undefined,
        );
        break;
      case "ReturnStatement":
        if (scope.noTry) {
          if (isAstNode(node.argument)) this.wrap(node.argument, "__cc.rt(__ccD,", ")");
          else this.out.open(node.start + "return".length, " __cc.rt(__ccD)");
        }
        break;
      case "TryStatement":
        if (isAstNode(node.finalizer)) this.block(node.finalizer, scope);
        break;
      case "AwaitExpression":
        this.suspension(node, scope, "await");
        break;
      case "YieldExpression":
        this.suspension(node, scope, node.delegate ? "delegate" : "yield");
        break;
      case "ArrayExpression":
      case "ObjectExpression":
        this.elementSpreads(node);
        break;
      case "CallExpression":
      case "NewExpression":
        this.callSpreads(node);
        break;
      case "VariableDeclarator":
        if (isAstNode(node.init) && hasArrayRest(node.id)) this.wrap(node.init, "__cc.s(", ")");
        break;
      case "AssignmentExpression":
        if (node.operator === "=" && hasArrayRest(node.left)) this.wrap(node.right as AstNode, "__cc.s(", ")");
        break;
      default:
        if (LOOPS.has(node.type)) this.loopBody(node.body as AstNode);
    }
    this.children(node, scope);
  }

  private wrap(node: AstNode, open: string, close: string): void {
    this.out.open(node.start, open);
    this.out.close(node.end, close);
  }

  private fn(node: AstNode): void {
    const body = node.body as AstNode;
    const scope: Scope = {
      segmented: node.async === true || node.generator === true,
      isAsync: node.async === true,
      noTry: body.type === "BlockStatement" && hasDeclarationConflict(body.body as AstNode[]),
    };
    if (body.type === "BlockStatement") {
      this.bodyEdits(body.body as AstNode[], body.start + 1, body.end - 1, scope, epilogue(scope));
    } else {
      // A concise arrow body becomes a block that returns it.
      this.wrap(body, `{${prologue(scope)}return (`, `)${epilogue(scope)}}`);
    }
    this.children(node, scope);
  }

  private staticBlock(node: AstNode): void {
    const body = node.body as AstNode[];
    if (body.length > 0) {
      this.out.open(body[0].start, prologue(SYNC));
      this.out.close(body[body.length - 1].end, epilogue(SYNC));
    }
    this.children(node, SYNC);
  }

  private block(block: AstNode, scope: Scope, caught?: AstNode): void {
    this.out.open(block.start + 1, blockEntry(scope, caught?.name as string | undefined));
  }

  private loopBody(body: AstNode): void {
    if (body.type === "BlockStatement") this.out.open(body.start + 1, "__cc.t();");
    else this.wrap(body, "{__cc.t();", "}");
  }

  private suspension(node: AstNode, scope: Scope, kind: "await" | "yield" | "delegate"): void {
    if (!scope.segmented) return; // acorn only accepts await and yield where they suspend
    this.wrap(node, "__cc.v(", RESUME);
    const argument = node.argument;
    if (!isAstNode(argument)) {
      this.out.close(node.end, " __cc.u(void 0,__ccS=true,__ccD)");
    } else if (kind === "delegate") {
      this.wrap(argument, "__cc.yd(__cc.u(", `${SUSPEND},${scope.isAsync})`);
    } else {
      this.wrap(argument, "__cc.u(", SUSPEND);
    }
  }

  private elementSpreads(node: AstNode): void {
    const items = (node.type === "ArrayExpression" ? node.elements : node.properties) as (AstNode | null)[];
    const meter = node.type === "ArrayExpression" ? "__cc.s(" : "__cc.so(";
    for (const item of items) {
      if (item?.type === "SpreadElement") this.wrap(item.argument as AstNode, meter, ")");
    }
  }

  private callSpreads(node: AstNode): void {
    const spreads = (node.arguments as AstNode[]).filter((a) => a.type === "SpreadElement");
    if (spreads.length === 0) return;
    if (containsSuspension(node)) {
      // The call resumes in another segment than it started: no restore
      // around it, only a check that its arguments fit (see `__cc.sc`).
      for (const spread of spreads) this.wrap(spread.argument as AstNode, "__cc.sc(", ")");
      return;
    }
    this.wrap(this.callTarget(node), "__cc.sr(__cc.sp(),", ")");
    for (const spread of spreads) this.wrap(spread.argument as AstNode, "__cc.sa(", ")");
  }

  /** The call itself, or the whole optional chain it is a link of (wrapping a link would break short-circuiting). */
  private callTarget(call: AstNode): AstNode {
    let current = call;
    let chain: AstNode | undefined;
    for (let i = this.parents.length - 1; i >= 0; i--) {
      const parent = this.parents[i];
      const link =
        (parent.type === "MemberExpression" && parent.object === current) ||
        (parent.type === "CallExpression" && parent.callee === current) ||
        (parent.type === "ChainExpression" && parent.expression === current);
      if (!link) break;
      if (parent.type === "ChainExpression") chain = parent;
      current = parent;
    }
    return chain ?? call;
  }
}

/**
 * True when wrapping `body` in a block would make it a syntax error: a
 * function declared twice at its top level, or also declared with `var`
 * anywhere in the same function.
 */
function hasDeclarationConflict(body: AstNode[]): boolean {
  const functions = new Set<string>();
  for (const statement of body) {
    if (statement.type !== "FunctionDeclaration") continue;
    const name = (statement.id as AstNode).name as string;
    if (functions.has(name)) return true;
    functions.add(name);
  }
  if (functions.size === 0) return false;
  const vars = new Set<string>();
  for (const statement of body) collectVarNames(statement, vars);
  for (const name of functions) if (vars.has(name)) return true;
  return false;
}

function collectVarNames(node: AstNode, into: Set<string>): void {
  if (isFunctionNode(node) || node.type === "StaticBlock") return;
  if (node.type === "VariableDeclaration" && node.kind === "var") {
    for (const declarator of node.declarations as AstNode[]) collectPatternNames(declarator.id as AstNode, into);
  }
  for (const child of childNodes(node)) collectVarNames(child, into);
}

function collectPatternNames(pattern: AstNode, into: Set<string>): void {
  if (pattern.type === "Identifier") into.add(pattern.name as string);
  else if (pattern.type === "MemberExpression") return;
  else if (pattern.type === "AssignmentPattern") collectPatternNames(pattern.left as AstNode, into);
  else if (pattern.type === "Property") collectPatternNames(pattern.value as AstNode, into);
  else for (const child of childNodes(pattern)) collectPatternNames(child, into);
}

function hasArrayRest(pattern: unknown): boolean {
  return (
    isAstNode(pattern) &&
    pattern.type === "ArrayPattern" &&
    (pattern.elements as (AstNode | null)[]).some((e) => e?.type === "RestElement")
  );
}

/** True when `node` awaits or yields outside any nested function. */
function containsSuspension(node: AstNode): boolean {
  if (node.type === "AwaitExpression" || node.type === "YieldExpression") return true;
  for (const child of childNodes(node)) {
    if (!isFunctionNode(child) && containsSuspension(child)) return true;
  }
  return false;
}
