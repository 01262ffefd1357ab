import { verifySignature } from "@citychain/crypto";
import {
  ADDRESS_BYTES,
  base64ToBytes,
  bytesToHex,
  CityChainError,
  decode,
  ErrorCode,
  HASH_BYTES,
  Shape,
  utf8ToBytes,
  type Validator,
  type VoteType,
  voteSignBytes,
} from "@citychain/protocol";
import type { BuiltinContract } from "./contract.ts";

export const EVIDENCE_CONTRACT = "evidence";
export const EVIDENCE_BYTES_MAX = 4 * 1024;

interface SignedVote {
  type: VoteType;
  height: number;
  round: number;
  blockHash: Uint8Array | null;
  validator: Uint8Array;
  signature: Uint8Array;
}

function invalid(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, `evidence: ${message}`);
}

function parseVote(raw: unknown, s: Shape, field: string): SignedVote {
  const o = s.object(raw, field, ["type", "height", "round", "blockHash", "validator", "signature"]);
  return {
    type: s.oneOf(o.type, `${field}.type`, ["prevote", "precommit"] as const),
    height: s.uint(o.height, `${field}.height`),
    round: s.uint(o.round, `${field}.round`),
    blockHash: o.blockHash === null ? null : s.bytes(o.blockHash, `${field}.blockHash`, HASH_BYTES, HASH_BYTES),
    validator: s.bytes(o.validator, `${field}.validator`, ADDRESS_BYTES, ADDRESS_BYTES),
    signature: s.bytes(o.signature, `${field}.signature`, 1, 128),
  };
}

/**
 * The evidence system contract: anyone who holds two conflicting signed
 * votes of one validator (same height, round and type, different values)
 * records them here. The contract checks both signatures against the
 * validator set, so nobody can frame an honest validator; one record per
 * (validator, height, round, type). What happens to the validator is a
 * governance decision.
 */
export function createEvidenceContract(
  chainId: string,
  validatorsAt: (height: number) => readonly Validator[],
): BuiltinContract {
  return {
    name: EVIDENCE_CONTRACT,
    invoke: {
      submit(ctx, args) {
        if (args.length !== 1) invalid("submit takes the evidence as base64 canonical CBOR {voteA, voteB}");
        let raw: unknown;
        try {
          raw = decode(base64ToBytes(args[0]), EVIDENCE_BYTES_MAX);
        } catch (e) {
          invalid(`does not decode: ${(e as Error).message}`);
        }
        const s = new Shape(ErrorCode.CONTRACT_ARGS_INVALID, "evidence");
        const top = s.object(raw, "evidence", ["type", "voteA", "voteB"]);
        if (top.type !== "duplicateVote") invalid("type must be 'duplicateVote'");
        const a = parseVote(top.voteA, s, "voteA");
        const b = parseVote(top.voteB, s, "voteB");
        if (bytesToHex(a.validator) !== bytesToHex(b.validator)) invalid("the votes are from different validators");
        if (a.type !== b.type || a.height !== b.height || a.round !== b.round) {
          invalid("the votes are not for the same height, round and type");
        }
        const valueA = a.blockHash ? bytesToHex(a.blockHash) : "nil";
        const valueB = b.blockHash ? bytesToHex(b.blockHash) : "nil";
        if (valueA === valueB) invalid("the votes are for the same value");
        const v = validatorsAt(a.height).find((x) => bytesToHex(x.address) === bytesToHex(a.validator));
        if (!v) invalid(`${bytesToHex(a.validator)} is not a validator at height ${a.height}`);
        for (const vote of [a, b]) {
          const message = voteSignBytes(chainId, vote.type, vote.height, vote.round, vote.blockHash);
          if (!verifySignature(v.alg, v.publicKey, message, vote.signature))
            invalid(`a vote's signature is not ${v.name}'s`);
        }
        const key = `duplicate-vote/${bytesToHex(a.validator)}/${a.height}/${a.round}/${a.type}`;
        if (ctx.getState(key) !== undefined) {
          throw new CityChainError({ code: ErrorCode.TX_DUPLICATE }, `evidence for ${key} is already recorded`);
        }
        const record = {
          validator: v.name,
          orgId: v.orgId,
          height: a.height,
          round: a.round,
          type: a.type,
          values: [valueA, valueB],
          recordedAt: ctx.height,
        };
        ctx.putState(key, utf8ToBytes(JSON.stringify(record)));
        ctx.emit("duplicateVote", utf8ToBytes(JSON.stringify(record)));
        return utf8ToBytes(JSON.stringify(record));
      },
    },
    query: {
      list(ctx) {
        return utf8ToBytes(
          JSON.stringify(
            ctx.listState("duplicate-vote/", 1_000).map((e) => JSON.parse(Buffer.from(e.value).toString())),
          ),
        );
      },
    },
  };
}
