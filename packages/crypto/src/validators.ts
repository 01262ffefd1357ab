import {
  addressOf,
  bytesToHex,
  CityChainError,
  ErrorCode,
  type Genesis,
  type GenesisValidator,
  type Validator,
} from "@citychain/protocol";
import { type ParsedCertificate, parseCertificate } from "./x509/parse.ts";

/**
 * The validator set a genesis defines, each key taken from the validator's
 * node certificate. Clients use it to check commit certificates without
 * trusting any node.
 */
export function validatorsOf(genesis: Genesis): Validator[] {
  return validatorsFromEntries(genesis.validators, "genesis: 'validators");
}

/**
 * Validators from their declared entries (name, organisation, node
 * certificate, power), keys taken from the certificates; `where` names the
 * source in errors.
 */
export function validatorsFromEntries(
  entries: readonly GenesisValidator[],
  where: string,
  code: string = ErrorCode.GENESIS_INVALID,
): Validator[] {
  const seen = new Set<string>();
  return entries.map((v, i) => {
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(v.cert);
    } catch (e) {
      throw new CityChainError({ code }, `${where}[${i}].cert' is not a certificate: ${(e as Error).message}`);
    }
    const address = addressOf(cert.publicKey);
    const hex = bytesToHex(address);
    if (seen.has(hex)) {
      throw new CityChainError({ code }, `${where}[${i}]' repeats a validator key`);
    }
    seen.add(hex);
    return { name: v.name, orgId: v.orgId, alg: cert.alg, publicKey: cert.publicKey, address, power: v.power };
  });
}
