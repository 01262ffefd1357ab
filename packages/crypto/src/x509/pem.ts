import { CityChainError, ErrorCode } from "@citychain/protocol";

const PEM_CERT_RE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/** DER bytes of the first certificate in a PEM string. */
export function certPemToDer(pem: string): Uint8Array {
  const m = PEM_CERT_RE.exec(pem);
  if (!m) {
    throw new CityChainError(
      { code: ErrorCode.CERT_INVALID },
      'not a PEM certificate: expected "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----"',
    );
  }
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ""), "base64"));
}

/** PEM text of a DER certificate, 64 base64 characters per line. */
export function certDerToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
