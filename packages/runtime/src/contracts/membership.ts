import { type Identity, type MembershipVerifier, parseCertificate } from "@citychain/crypto";
import { bytesToUtf8, CityChainError, ErrorCode, type Genesis, utf8ToBytes } from "@citychain/protocol";
import type { BuiltinContract, Caller, ContractContext } from "./contract.ts";
import { createSetValidator, VALSET_HISTORY_PREFIX, VALSET_LATEST_KEY } from "./validator-set.ts";

export const MEMBERSHIP_CONTRACT = "membership";
export const REVOKED_PREFIX = "revoked/";
export const IDENTITY_PREFIX = "identity/";
export const MEMBERSHIP_LIST_MAX = 1_000;
const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;

export interface RevocationRecord {
  fingerprint: string;
  orgId: string;
  reason: string;
  height: number;
  timeMs: number;
  by: string;
}

export interface IdentityRecord {
  fingerprint: string;
  id: string;
  orgId: string;
  role: string;
  attributes: Record<string, string>;
  notAfterMs: number;
  certPem: string;
  registeredAt: number;
  registeredBy: string;
}

function argsError(message: string): never {
  throw new CityChainError({ code: ErrorCode.CONTRACT_ARGS_INVALID }, message);
}

function memberCallers(ctx: ContractContext): Identity[] {
  return ctx.callers.flatMap((c: Caller) => (c.kind === "member" ? [c.identity] : []));
}

function requireAdminOf(ctx: ContractContext, orgId: string, action: string): Identity {
  const admin = memberCallers(ctx).find((i) => i.role === "admin" && i.orgId === orgId);
  if (!admin) {
    throw new CityChainError(
      { code: ErrorCode.ACCESS_DENIED },
      `only an admin of organisation '${orgId}' may ${action}; sign with that organisation's admin identity`,
    );
  }
  return admin;
}

function toJsonBytes(v: unknown): Uint8Array {
  return utf8ToBytes(JSON.stringify(v));
}

/**
 * The membership system contract: organisations publish identities they issued
 * (register) and withdraw them (revoke). A revoked certificate can no longer
 * sign transactions from the block after the revocation on every node.
 * Admins of a majority of organisations also change the validator set here
 * (setValidator) until the governance contract takes that over.
 */
export function createMembershipContract(verifier: MembershipVerifier, genesis: Genesis): BuiltinContract {
  return {
    name: MEMBERSHIP_CONTRACT,
    invoke: {
      setValidator: createSetValidator(genesis, verifier),
      register(ctx, args) {
        if (args.length !== 1) argsError("membership.register takes 1 argument: the certificate in PEM");
        let identity: Identity;
        try {
          identity = verifier.validate(new Uint8Array(parseCertificate(args[0]).der), ctx.timeMs, () => false);
        } catch (e) {
          if (e instanceof CityChainError) throw e;
          argsError(`membership.register: not a certificate: ${(e as Error).message}`);
        }
        const admin = requireAdminOf(ctx, identity.orgId, "register its identities");
        const fp = identity.fingerprintHex;
        if (ctx.getState(REVOKED_PREFIX + fp) !== undefined) {
          throw new CityChainError(
            { code: ErrorCode.CERT_REVOKED },
            `certificate ${fp} is revoked and cannot be registered`,
          );
        }
        const record: IdentityRecord = {
          fingerprint: fp,
          id: identity.id,
          orgId: identity.orgId,
          role: identity.role,
          attributes: identity.attributes,
          notAfterMs: identity.notAfterMs,
          certPem: args[0],
          registeredAt: ctx.height,
          registeredBy: admin.id,
        };
        ctx.putState(IDENTITY_PREFIX + fp, toJsonBytes(record));
        ctx.emit("registered", toJsonBytes({ fingerprint: fp, orgId: identity.orgId, role: identity.role }));
        return toJsonBytes(record);
      },
      revoke(ctx, args) {
        if (args.length < 1 || args.length > 2) {
          argsError("membership.revoke takes the certificate (PEM) or its SHA-256 fingerprint (hex), and a reason");
        }
        const target = args[0].trim();
        const reason = args[1] ?? "unspecified";
        let fp: string;
        let orgId: string;
        if (FINGERPRINT_PATTERN.test(target)) {
          const stored = ctx.getState(IDENTITY_PREFIX + target);
          if (!stored) {
            argsError(
              `certificate ${target} is not registered; pass the certificate itself (PEM) so its organisation can be checked`,
            );
          }
          fp = target;
          orgId = (JSON.parse(bytesToUtf8(stored)) as IdentityRecord).orgId;
        } else {
          let identity: Identity;
          try {
            // Revocation must work for expired certificates too: validate at their own start time.
            const parsed = parseCertificate(target);
            identity = verifier.validate(new Uint8Array(parsed.der), parsed.notBeforeMs, () => false);
          } catch (e) {
            if (e instanceof CityChainError) throw e;
            argsError(`membership.revoke: not a certificate: ${(e as Error).message}`);
          }
          fp = identity.fingerprintHex;
          orgId = identity.orgId;
        }
        const caller = memberCallers(ctx).find((i) => i.fingerprintHex === fp);
        const by = caller ? caller.id : requireAdminOf(ctx, orgId, "revoke its certificates").id;
        if (ctx.getState(REVOKED_PREFIX + fp) !== undefined) {
          throw new CityChainError({ code: ErrorCode.CERT_REVOKED }, `certificate ${fp} is already revoked`);
        }
        const record: RevocationRecord = { fingerprint: fp, orgId, reason, height: ctx.height, timeMs: ctx.timeMs, by };
        ctx.putState(REVOKED_PREFIX + fp, toJsonBytes(record));
        ctx.emit("revoked", toJsonBytes(record));
        return toJsonBytes(record);
      },
    },
    query: {
      /** The latest announced validator set and every change so far (the genesis set when none). */
      validators(ctx) {
        const latest = ctx.getState(VALSET_LATEST_KEY);
        const changes = ctx
          .listState(VALSET_HISTORY_PREFIX, MEMBERSHIP_LIST_MAX)
          .map((e) => JSON.parse(bytesToUtf8(e.value)) as { fromHeight: number });
        return toJsonBytes({
          latest: latest ? JSON.parse(bytesToUtf8(latest)) : { fromHeight: 1, validators: genesis.validators },
          changes,
        });
      },
      get(ctx, args) {
        if (args.length !== 1) argsError("membership.get takes a certificate fingerprint (hex)");
        const v = ctx.getState(IDENTITY_PREFIX + args[0]);
        if (!v)
          throw new CityChainError({ code: ErrorCode.NOT_FOUND }, `no identity registered with fingerprint ${args[0]}`);
        return v;
      },
      isRevoked(ctx, args) {
        if (args.length !== 1) argsError("membership.isRevoked takes a certificate fingerprint (hex)");
        const v = ctx.getState(REVOKED_PREFIX + args[0]);
        return toJsonBytes(v ? { revoked: true, ...JSON.parse(bytesToUtf8(v)) } : { revoked: false });
      },
      list(ctx, args) {
        const orgId = args[0];
        const items = ctx
          .listState(IDENTITY_PREFIX, MEMBERSHIP_LIST_MAX)
          .map((e) => JSON.parse(bytesToUtf8(e.value)) as IdentityRecord)
          .filter((r) => orgId === undefined || r.orgId === orgId)
          .map(({ certPem: _pem, ...rest }) => rest);
        return toJsonBytes(items);
      },
      revoked(ctx) {
        return toJsonBytes(
          ctx.listState(REVOKED_PREFIX, MEMBERSHIP_LIST_MAX).map((e) => JSON.parse(bytesToUtf8(e.value))),
        );
      },
    },
  };
}
