import type { ColdChainPolicy } from "../../coldchain/types.ts";

/**
 * The product of one GTIN. The first organisation that registers anything
 * for a GTIN becomes its maker (GS1 allocates GTINs to the brand owner; the
 * chain does not yet hold a registry of company prefixes per organisation,
 * so first registration decides).
 */
export interface ProductRecord {
  gtin: string;
  maker: string;
  createdMs: number;
  txId: string;
  /** The cold-chain rules of the product, set by its maker (`ColdChain:SetProfile`). */
  coldChain: ProductColdChain | null;
}

/** Where a product's cold-chain policy came from, and the policy. */
export interface ProductColdChain {
  /** A preset name of `coldChainPresets`, or "custom". */
  source: string;
  policy: ColdChainPolicy;
  setMs: number;
  txId: string;
}

/** A recall: by the maker or a regulator. */
export interface RecallInfo {
  atMs: number;
  reason: string;
  byOrg: string;
  byId: string;
  regulator: boolean;
  txId: string;
}

/** Why and since when a batch is quarantined (an alarm on one device's readings). */
export interface QuarantineInfo {
  sinceMs: number;
  reason: string;
  deviceId: string;
  excursions: string[];
  txId: string;
}

/** A qualified person's decision on a quarantined batch. */
export interface QpDecision {
  atMs: number;
  byOrg: string;
  byId: string;
  note: string;
  txId: string;
}

/** One lot of a product. Status is derived from these fields and block time when read. */
export interface BatchRecord {
  /** Canonical key "01/<gtin>/10/<lot>". */
  key: string;
  gtin: string;
  lot: string;
  /** (17) expiry, YYMMDD as registered. */
  expiry: string;
  /** The expiry as a date, "YYYY-MM-DD". */
  expiryDate: string;
  /** First instant after the expiry day (UTC). */
  expiryEndMs: number;
  /** Quantity the maker declared (RegisterBatch), null when the batch came from item registration. */
  quantity: number | null;
  /** Serialised items registered in this batch. */
  itemCount: number;
  maker: string;
  attributes: Record<string, unknown>;
  digitalLink: string;
  createdMs: number;
  txId: string;
  recall: RecallInfo | null;
  quarantine: QuarantineInfo | null;
  destroyed: QpDecision | null;
  /** Releases from quarantine, newest last (bounded). */
  releases: QpDecision[];
}

/** One serialised item. Its custody lives in its unit record (custody/unit.ts). */
export interface ItemRecord {
  /** Canonical key "01/<gtin>/21/<serial>". */
  key: string;
  gtin: string;
  lot: string;
  serial: string;
  expiry: string;
  batchKey: string;
  maker: string;
  attributes: Record<string, unknown>;
  /** https://id.gs1.org/01/<gtin>/10/<lot>/21/<serial>?17=<expiry>: what the item's QR code carries. */
  digitalLink: string;
  createdMs: number;
  txId: string;
}
