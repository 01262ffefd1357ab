// @peculiar/x509 resolves its services through tsyringe, which needs the
// Reflect metadata polyfill loaded before the library itself; importing the
// library only through this module guarantees that order.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

// Node's WebCrypto is structurally the DOM Crypto the library is typed against.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
