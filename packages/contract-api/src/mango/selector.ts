/**
 * Mango selectors, normalized as CouchDB's `mango_selector:normalize` does
 * (so that matching agrees with CouchDB in the corner cases):
 *
 * 1. operators are validated and implicit forms made explicit: several keys
 *    are an `$and`, a bare value is `$eq`, `{a: {b: 1}}` names field `b`
 *    inside field `a`;
 * 2. field names are pushed down to the terminal operators, joined with `.`
 *    (`{a: {$gt: 1, $lt: 5}}` becomes an `$and` of two conditions on `a`);
 * 3. negations (`$not`, `$nor`) are pushed down to the terminals with De
 *    Morgan's laws, so that `{$not: {a: 1}}` means `{a: {$ne: 1}}`, which, as
 *    in CouchDB, does not match documents without `a`.
 */

import { ContractApiError, ContractErrorCode } from "../errors.ts";
import { isJsonObject, type JsonValue } from "./json.ts";

/** Terminal operators: they compare the field's value with their argument. */
export type TerminalOperator =
  | "$lt"
  | "$lte"
  | "$eq"
  | "$ne"
  | "$gte"
  | "$gt"
  | "$in"
  | "$nin"
  | "$exists"
  | "$type"
  | "$mod"
  | "$regex"
  | "$all"
  | "$size"
  | "$beginsWith";

/** Operators whose argument is a selector applied to elements (or keys) of the field's value. */
export type ElementOperator = "$elemMatch" | "$allMatch" | "$keyMapMatch";

/** A node of a selector. */
export type Selector =
  | { kind: "empty" }
  | { kind: "$and" | "$or" | "$nor"; args: Selector[] }
  | { kind: "$not"; arg: Selector }
  | { kind: "field"; name: string; cond: Selector }
  | { kind: ElementOperator; arg: Selector }
  | { kind: "op"; op: TerminalOperator; arg: JsonValue; regex?: RegExp };

const COMPARISONS = new Set<string>(["$lt", "$lte", "$eq", "$ne", "$gte", "$gt"]);
const UNSUPPORTED = new Set<string>(["$where", "$geoWithin", "$geoIntersects", "$near", "$nearSphere", "$text"]);
const NEGATED: Partial<Record<TerminalOperator, TerminalOperator>> = {
  $lt: "$gte",
  $lte: "$gt",
  $eq: "$ne",
  $ne: "$eq",
  $gte: "$lt",
  $gt: "$lte",
  $in: "$nin",
  $nin: "$in",
};

/** The normalized form of a selector, or a `CONTRACT_QUERY_INVALID` error. */
export function normalizeSelector(selector: JsonValue): Selector {
  if (isJsonObject(selector) && Object.keys(selector).length === 0) return { kind: "empty" };
  const normalized = normNegations(normFields(normOps(selector), ""));
  if (normalized.kind === "field" && normalized.name === "") {
    throw queryError("One or more conditions is missing a field name.");
  }
  return normalized;
}

function normOps(value: JsonValue): Selector {
  if (!isJsonObject(value)) return { kind: "op", op: "$eq", arg: value };
  const keys = Object.keys(value);
  if (keys.length === 0) return { kind: "op", op: "$eq", arg: value };
  if (keys.length > 1) return { kind: "$and", args: keys.map((key) => normOps({ [key]: value[key] })) };
  const key = keys[0];
  const arg = value[key];
  if (!key.startsWith("$")) return { kind: "field", name: key, cond: normOps(arg) };
  return normOperator(key, arg);
}

function normOperator(operator: string, arg: JsonValue): Selector {
  switch (operator) {
    case "$and":
    case "$or":
    case "$nor":
      if (!Array.isArray(arg)) throw badArg(operator, arg);
      return { kind: operator, args: arg.map(normOps) };
    case "$not":
    case "$elemMatch":
    case "$allMatch":
    case "$keyMapMatch":
      if (!isJsonObject(arg)) throw badArg(operator, arg);
      return { kind: operator, arg: normOps(arg) };
    case "$in":
    case "$nin":
    case "$all":
      if (!Array.isArray(arg)) throw badArg(operator, arg);
      return { kind: "op", op: operator, arg };
    case "$exists":
      if (typeof arg !== "boolean") throw badArg(operator, arg);
      return { kind: "op", op: operator, arg };
    case "$type":
    case "$beginsWith":
      if (typeof arg !== "string") throw badArg(operator, arg);
      return { kind: "op", op: operator, arg };
    case "$size":
      if (!Number.isInteger(arg) || (arg as number) < 0) throw badArg(operator, arg);
      return { kind: "op", op: operator, arg };
    case "$mod":
      if (!isModArgument(arg)) throw badArg(operator, arg);
      return { kind: "op", op: operator, arg };
    case "$regex":
      return { kind: "op", op: operator, arg, regex: compileRegex(arg) };
  }
  if (COMPARISONS.has(operator)) return { kind: "op", op: operator as TerminalOperator, arg };
  if (UNSUPPORTED.has(operator)) throw queryError(`Unsupported operator: ${operator}`);
  throw queryError(`Invalid operator: ${operator}`);
}

function normFields(node: Selector, path: string): Selector {
  switch (node.kind) {
    case "$and":
    case "$or":
    case "$nor":
      return { kind: node.kind, args: node.args.map((arg) => normFields(arg, path)) };
    case "$not":
      return { kind: "$not", arg: normFields(node.arg, path) };
    case "$elemMatch":
    case "$allMatch":
    case "$keyMapMatch":
      return { kind: "field", name: path, cond: { kind: node.kind, arg: normFields(node.arg, "") } };
    case "op":
      return { kind: "field", name: path, cond: node };
    case "field":
      return normFields(node.cond, path === "" ? node.name : `${path}.${node.name}`);
    case "empty":
      return node;
  }
}

function normNegations(node: Selector): Selector {
  switch (node.kind) {
    case "$not":
      return negate(node.arg);
    case "$nor":
      return { kind: "$and", args: node.args.map(negate) };
    case "$and":
    case "$or":
      return { kind: node.kind, args: node.args.map(normNegations) };
    case "$elemMatch":
    case "$allMatch":
    case "$keyMapMatch":
      return { kind: node.kind, arg: normNegations(node.arg) };
    default:
      return node;
  }
}

function negate(node: Selector): Selector {
  switch (node.kind) {
    case "$not":
      return normNegations(node.arg);
    case "$nor":
      return { kind: "$or", args: node.args.map(normNegations) };
    case "$and":
      return { kind: "$or", args: node.args.map(negate) };
    case "$or":
      return { kind: "$and", args: node.args.map(negate) };
    case "field":
      return { kind: "field", name: node.name, cond: negate(node.cond) };
    case "op": {
      if (node.op === "$exists") return { kind: "op", op: "$exists", arg: !node.arg };
      const negated = NEGATED[node.op];
      return negated ? { kind: "op", op: negated, arg: node.arg } : { kind: "$not", arg: node };
    }
    case "$elemMatch":
    case "$allMatch":
    case "$keyMapMatch":
      return { kind: "$not", arg: node };
    case "empty":
      throw queryError("Bad argument for operator $not: {}");
  }
}

function isModArgument(arg: JsonValue): boolean {
  return Array.isArray(arg) && arg.length === 2 && Number.isInteger(arg[0]) && Number.isInteger(arg[1]) && arg[0] !== 0;
}

/**
 * A JavaScript RegExp for a CouchDB (PCRE) pattern. Leading inline flags
 * `(?i)`, `(?m)`, `(?s)` become RegExp flags; other PCRE-only syntax is
 * rejected as an invalid pattern.
 */
function compileRegex(arg: JsonValue): RegExp {
  if (typeof arg !== "string") throw badArg("$regex", arg);
  const inline = /^\(\?([ims]+)\)/.exec(arg);
  const flags = inline ? [...new Set(inline[1])].join("") : "";
  try {
    return new RegExp(inline ? arg.slice(inline[0].length) : arg, flags);
  } catch {
    throw badArg("$regex", arg);
  }
}

function badArg(operator: string, arg: JsonValue): ContractApiError {
  return queryError(`Bad argument for operator ${operator}: ${JSON.stringify(arg)}`);
}

/** A rich-query error with `CONTRACT_QUERY_INVALID`. */
export function queryError(message: string): ContractApiError {
  return new ContractApiError(ContractErrorCode.CONTRACT_QUERY_INVALID, `invalid query: ${message}`);
}
