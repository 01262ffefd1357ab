/** JSON the node API answers with (hashes and ids lower-case hex, other bytes base64). */

export interface SubmitResult {
  id?: string;
  accepted: boolean;
  code: string;
  message: string;
  height?: number;
  index?: number;
  returnValue?: string;
  returnText?: string;
}

export interface NodeStatus {
  nodeName: string;
  orgId: string;
  version: string;
  chainId: string;
  mode: string;
  height: number;
  latestBlockHash: string;
  latestBlockTimeMs: number;
  appHash: string;
  validators: { name: string; orgId: string; address: string; alg: string; publicKey: string; power: number }[];
  isValidator: boolean;
  /** Connected peers (p2p). */
  peers: { name: string; orgId: string; address: string }[];
  mempoolTxs: number;
  uptimeMs: number;
}

export interface SignerInfo {
  id?: string;
  orgId?: string;
  fingerprint: string;
  alg: string;
}

export interface BlockInfo {
  height: number;
  hash: string;
  header: {
    chainId: string;
    height: number;
    timeMs: number;
    prevHash: string;
    txRoot: string;
    resultsRoot: string;
    appHash: string;
    validatorsHash: string;
    proposer: string;
  };
  txs: { id: string; contract: string; fn: string; signers: SignerInfo[]; code: string }[];
  commit: { height: number; round: number; blockHash: string; sigs: { validator: string; sig: string }[] } | null;
}

export interface TxInfo {
  id: string;
  height: number;
  index: number;
  code: string;
  message: string;
  returnValue: string;
  returnText?: string;
  events: { contract: string; name: string; payload: string; payloadText?: string }[];
  tx: {
    chainId: string;
    contract: string;
    fn: string;
    args: string[];
    expiresAt: number;
    nonce: string;
    signers: SignerInfo[];
  };
  /** The proof as readable JSON. */
  proof: unknown;
  /** The proof as base64 canonical CBOR: what getProof decodes and verifyTxProof checks. */
  proofCbor: string;
}

export interface StreamBlock {
  type: "block";
  height: number;
  hash: string;
  timeMs: number;
  txs: { id: string; contract: string; fn: string; code: string }[];
}

export interface StreamEvent {
  type: "event";
  height: number;
  txIndex: number;
  txId: string;
  contract: string;
  name: string;
  payload: string;
  payloadText?: string;
}
