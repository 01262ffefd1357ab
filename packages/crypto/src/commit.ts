import { bytesToHex, type Commit, type Validator, voteSignBytes } from "@citychain/protocol";
import { verifySignature } from "./keys.ts";

/**
 * Checks a commit certificate's signatures against a validator set: every
 * signer is a distinct validator, every precommit signature verifies over
 * (chain id, height, round, block hash), and the signers hold strictly more
 * than 2/3 of the total voting power (BFT finality). Returns what is wrong,
 * or undefined when the certificate holds. The caller checks that
 * commit.blockHash is the hash of the header it cares about.
 */
export function commitProblem(chainId: string, commit: Commit, validators: readonly Validator[]): string | undefined {
  const byAddress = new Map(validators.map((v) => [bytesToHex(v.address), v]));
  const total = validators.reduce((s, v) => s + v.power, 0);
  const message = voteSignBytes(chainId, "precommit", commit.height, commit.round, commit.blockHash);
  const seen = new Set<string>();
  let power = 0;
  for (const [i, cs] of commit.sigs.entries()) {
    const addr = bytesToHex(cs.validator);
    const v = byAddress.get(addr);
    if (!v) return `signature ${i} is from ${addr}, not a validator of the trusted set`;
    if (seen.has(addr)) return `validator ${v.name} signed twice`;
    seen.add(addr);
    if (!verifySignature(v.alg, v.publicKey, message, cs.sig))
      return `signature ${i} of validator ${v.name} does not verify`;
    power += v.power;
  }
  if (power * 3 <= total * 2) return `signers hold ${power} of ${total} voting power, not more than 2/3`;
  return undefined;
}
