/** What the stub tells about the transaction: creator, transient data, a proposal view. */

import type { ContractHost } from "../host.ts";
import type { TxTimestamp } from "./timestamp.ts";

/** The signer of the transaction, as Fabric's `SerializedIdentity`: MSP id and PEM certificate bytes. */
export interface SerializedIdentity {
  mspid: string;
  idBytes: Uint8Array;
}

/** A minimal decoded proposal (Fabric's `getSignedProposal`); CityChain has no proposal message. */
export interface SignedProposal {
  signature: Buffer;
  proposal: {
    header: {
      signatureHeader: { creator: SerializedIdentity; nonce: Buffer };
      channelHeader: {
        type: number;
        version: number;
        timestamp: TxTimestamp;
        channelId: string;
        txId: string;
        epoch: number;
        extension: Buffer;
        tlsCertHash: Buffer;
      };
    };
    payload: { input: Buffer; transientMap: Map<string, Buffer> };
  };
}

/** The creator identity of the transaction. */
export function creatorOf(host: ContractHost): SerializedIdentity {
  return { mspid: host.creator.mspId, idBytes: Buffer.from(host.creator.certPem, "utf8") };
}

/** The transient map, in the order the transaction lists it. */
export function transientOf(host: ContractHost): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (const [name, value] of host.transient) map.set(name, Buffer.from(value));
  return map;
}

/** Fabric's `ENDORSER_TRANSACTION` header type. */
const ENDORSER_TRANSACTION = 3;

/**
 * A proposal-shaped view of the transaction: the fields chaincode reads
 * (creator, channel header, transient map) are real; signature, nonce and
 * input bytes are empty because CityChain transactions are not Fabric
 * proposals.
 */
export function signedProposalOf(
  host: ContractHost,
  creator: SerializedIdentity,
  timestamp: TxTimestamp,
  transient: Map<string, Buffer>,
): SignedProposal {
  return {
    signature: Buffer.alloc(0),
    proposal: {
      header: {
        signatureHeader: { creator, nonce: Buffer.alloc(0) },
        channelHeader: {
          type: ENDORSER_TRANSACTION,
          version: 0,
          timestamp,
          channelId: host.channelId,
          txId: host.txId,
          epoch: 0,
          extension: Buffer.alloc(0),
          tlsCertHash: Buffer.alloc(0),
        },
      },
      payload: { input: Buffer.alloc(0), transientMap: transient },
    },
  };
}
