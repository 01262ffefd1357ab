import { DEVICE_KEY_BYTES_MAX, DEVICE_KEYS_MAX } from "../limits.ts";
import { isPlainObject } from "../shared/args.ts";
import { type DeviceKey, keyError, keyFromJwk, keyFromMultibase, keyFromPem } from "./key-formats.ts";

/** How a device's key was given, and its signing keys in normal form. */
export interface DeviceKeys {
  format: "pem" | "jwk" | "multibase" | "did:key" | "did-document";
  /** The DID, for did:key and DID documents. */
  did: string | null;
  keys: DeviceKey[];
}

const WHERE = "publicKeyPemOrDidDocJson";

function oneKey(key: DeviceKey | undefined, where: string): DeviceKey[] {
  if (key === undefined)
    throw keyError(where, "an X25519 key agrees keys but cannot verify signatures; give a signing key");
  return [key];
}

/** The signing keys of a W3C DID document's verificationMethod entries (key-agreement keys are skipped). */
function keysOfDidDocument(doc: Record<string, unknown>): DeviceKeys {
  if (typeof doc.id !== "string" || !doc.id.startsWith("did:"))
    throw keyError(WHERE, 'a DID document needs an "id" that is a DID');
  const methods = doc.verificationMethod;
  if (!Array.isArray(methods) || methods.length === 0)
    throw keyError(WHERE, "a DID document needs a verificationMethod list");
  if (methods.length > DEVICE_KEYS_MAX) throw keyError(WHERE, `more than ${DEVICE_KEYS_MAX} verification methods`);
  const keys: DeviceKey[] = [];
  methods.forEach((method: unknown, i) => {
    const where = `${WHERE} verificationMethod[${i}]`;
    if (!isPlainObject(method)) throw keyError(where, "must be an object");
    let key: DeviceKey | undefined;
    if (typeof method.publicKeyMultibase === "string") key = keyFromMultibase(method.publicKeyMultibase, where);
    else if (method.publicKeyJwk !== undefined) key = keyFromJwk(method.publicKeyJwk, where);
    else if (typeof method.publicKeyPem === "string") key = keyFromPem(method.publicKeyPem, where);
    else throw keyError(where, "needs publicKeyMultibase, publicKeyJwk or publicKeyPem");
    if (key === undefined) return;
    if (typeof method.id === "string") key.id = method.id;
    keys.push(key);
  });
  if (keys.length === 0) throw keyError(WHERE, "the DID document has no signing key (only key-agreement keys)");
  return { format: "did-document", did: doc.id, keys };
}

/**
 * Reads a device's public key in any of the forms devices come with: a PEM
 * SubjectPublicKeyInfo (Ed25519 or P-256), a JWK, a multibase Ed25519 key
 * ("z6Mk…"), a did:key, or a W3C DID document whose verificationMethod
 * entries carry publicKeyMultibase, publicKeyJwk or publicKeyPem. Throws
 * DEVICE_KEY_INVALID naming the part that cannot be read.
 */
export function parseDeviceKey(input: string): DeviceKeys {
  const text = input.trim();
  if (text.length === 0) throw keyError(WHERE, "no key given");
  if (new TextEncoder().encode(text).length > DEVICE_KEY_BYTES_MAX)
    throw keyError(WHERE, `longer than ${DEVICE_KEY_BYTES_MAX} bytes`);
  if (text.startsWith("-----BEGIN")) return { format: "pem", did: null, keys: [keyFromPem(text, WHERE)] };
  if (text.startsWith("did:key:")) {
    const did = text.split("#")[0];
    return { format: "did:key", did, keys: oneKey(keyFromMultibase(did.slice("did:key:".length), WHERE), WHERE) };
  }
  if (text.startsWith("z"))
    return { format: "multibase", did: null, keys: oneKey(keyFromMultibase(text, WHERE), WHERE) };
  if (!text.startsWith("{"))
    throw keyError(WHERE, "expected a PEM public key, a JWK, a multibase key, a did:key or a DID document");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw keyError(WHERE, `not valid JSON: ${(error as Error).message}`);
  }
  if (isPlainObject(json) && typeof json.kty === "string")
    return { format: "jwk", did: null, keys: oneKey(keyFromJwk(json, WHERE), WHERE) };
  if (isPlainObject(json)) return keysOfDidDocument(json);
  throw keyError(WHERE, "a JSON key must be a JWK or a DID document object");
}
