import { CityChainError, ErrorCode } from "@citychain/protocol";

/**
 * Endorsement and governance policies in Hyperledger Fabric's signature-policy
 * syntax: `AND('org1.admin', 'org2.member')`, `OR(...)`, `OutOf(2, ...)`,
 * nested; and the implicit forms `MAJORITY admin`, `ANY member`, `ALL admin`,
 * which count organisations (the chain's member list, when evaluated).
 *
 * Roles, as Fabric's MSP principals: `member` is anyone the organisation
 * issued; `admin`; `peer` (or `node`): a node certificate; `client`: a member
 * or admin certificate (not a node or device); `device`: an IoT device.
 */
export type Policy =
  | { type: "signedBy"; orgId: string; role: PolicyRole }
  | { type: "outOf"; n: number; rules: Policy[] }
  | { type: "implicit"; rule: "ANY" | "ALL" | "MAJORITY"; role: PolicyRole };

export type PolicyRole = "member" | "admin" | "peer" | "client" | "device";

/** Who signed: one entry per signature of the transaction. */
export interface Principal {
  orgId: string;
  /** The certificate's role: admin, member, node or device. */
  role: string;
}

/** Bounds on policy text and shape, so a policy is cheap to evaluate. */
export const POLICY_CHARS_MAX = 4_096;
export const POLICY_RULES_MAX = 256;
export const POLICY_DEPTH_MAX = 16;

const ROLE_ALIASES: Record<string, PolicyRole> = {
  member: "member",
  admin: "admin",
  peer: "peer",
  node: "peer",
  client: "client",
  device: "device",
};

function bad(text: string, why: string): never {
  throw new CityChainError(
    { code: ErrorCode.POLICY_INVALID },
    `policy ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}: ${why}. Write it as AND('org1.admin', 'org2.admin'), OR(...), OutOf(2, ...), or MAJORITY admin`,
  );
}

/** Parses policy text; throws POLICY_INVALID naming what is wrong. */
export function parsePolicy(text: string): Policy {
  if (text.length > POLICY_CHARS_MAX) bad(text, `longer than ${POLICY_CHARS_MAX} characters`);
  const implicit = /^\s*(ANY|ALL|MAJORITY)\s+([A-Za-z]+)\s*$/.exec(text);
  if (implicit) {
    const role = ROLE_ALIASES[implicit[2].toLowerCase()];
    if (!role) bad(text, `unknown role '${implicit[2]}'`);
    return { type: "implicit", rule: implicit[1] as "ANY" | "ALL" | "MAJORITY", role };
  }
  let pos = 0;
  let rules = 0;
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const expect = (c: string) => {
    skip();
    if (text[pos] !== c) bad(text, `expected '${c}' at position ${pos}`);
    pos++;
  };
  const parse = (depth: number): Policy => {
    if (depth > POLICY_DEPTH_MAX) bad(text, `nested deeper than ${POLICY_DEPTH_MAX}`);
    if (++rules > POLICY_RULES_MAX) bad(text, `more than ${POLICY_RULES_MAX} rules`);
    skip();
    const quote = text[pos];
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) bad(text, `unterminated principal at position ${pos}`);
      const principal = text.slice(pos + 1, end);
      pos = end + 1;
      const dot = principal.lastIndexOf(".");
      const orgId = principal.slice(0, dot);
      const role = ROLE_ALIASES[principal.slice(dot + 1).toLowerCase()];
      if (dot <= 0 || !role) bad(text, `'${principal}' is not '<organisation>.<member|admin|peer|client|device>'`);
      return { type: "signedBy", orgId, role };
    }
    const m = /^(AND|OR|OutOf)\s*\(/i.exec(text.slice(pos));
    if (!m) bad(text, `expected AND(, OR(, OutOf( or a quoted principal at position ${pos}`);
    pos += m[0].length;
    const op = m[1].toUpperCase();
    let n = -1;
    if (op === "OUTOF") {
      skip();
      const num = /^\d+/.exec(text.slice(pos));
      if (!num) bad(text, `OutOf needs a count first, at position ${pos}`);
      n = Number(num[0]);
      pos += num[0].length;
      expect(",");
    }
    const children: Policy[] = [parse(depth + 1)];
    for (;;) {
      skip();
      if (text[pos] === ",") {
        pos++;
        children.push(parse(depth + 1));
        continue;
      }
      expect(")");
      break;
    }
    if (op === "AND") n = children.length;
    if (op === "OR") n = 1;
    if (n < 1 || n > children.length) bad(text, `OutOf(${n}, …) with ${children.length} rules can never be met`);
    return { type: "outOf", n, rules: children };
  };
  const policy = parse(0);
  skip();
  if (pos !== text.length) bad(text, `unexpected text at position ${pos}`);
  return policy;
}

function roleMatches(want: PolicyRole, have: string): boolean {
  switch (want) {
    case "member":
      return true;
    case "admin":
      return have === "admin";
    case "peer":
      return have === "node";
    case "client":
      return have === "member" || have === "admin";
    case "device":
      return have === "device";
  }
}

/**
 * True when the signers satisfy the policy. As Fabric's evaluator, each
 * signature satisfies at most one principal (AND('o.member','o.member') needs
 * two signers of o), claimed greedily left to right. Implicit policies count
 * distinct organisations among `orgIds` (the chain's members).
 */
export function satisfies(policy: Policy, signers: readonly Principal[], orgIds: readonly string[]): boolean {
  if (policy.type === "implicit") {
    const orgs = new Set(signers.filter((s) => roleMatches(policy.role, s.role)).map((s) => s.orgId));
    const have = orgIds.filter((o) => orgs.has(o)).length;
    if (policy.rule === "ANY") return have >= 1;
    if (policy.rule === "ALL") return have === orgIds.length;
    return have > orgIds.length / 2;
  }
  const used = signers.map(() => false);
  const evaluate = (p: Policy): boolean => {
    if (p.type === "implicit") return satisfies(p, signers, orgIds);
    if (p.type === "signedBy") {
      const i = signers.findIndex((s, k) => !used[k] && s.orgId === p.orgId && roleMatches(p.role, s.role));
      if (i < 0) return false;
      used[i] = true;
      return true;
    }
    let met = 0;
    for (const r of p.rules) {
      const snapshot = [...used];
      if (evaluate(r)) met++;
      else used.splice(0, used.length, ...snapshot);
      if (met >= p.n) return true;
    }
    return false;
  };
  return evaluate(policy);
}

/** The policy as text again (normalised), for storage and display. */
export function policyToText(p: Policy): string {
  if (p.type === "implicit") return `${p.rule} ${p.role}`;
  if (p.type === "signedBy") return `'${p.orgId}.${p.role}'`;
  const inner = p.rules.map(policyToText).join(", ");
  if (p.n === p.rules.length && p.rules.length > 1) return `AND(${inner})`;
  if (p.n === 1 && p.rules.length > 1) return `OR(${inner})`;
  return `OutOf(${p.n}, ${inner})`;
}
