/**
 * The supply chain the recall benchmark loads (bench-recall.ts): four
 * organisations, their sites, and batches of serialised packs registered,
 * commissioned, packed into cases and pallets, shipped and received.
 */
import type { LoadedIdentity } from "@citychain/crypto";
import { buildSignedTx, type CityChainClient } from "@citychain/sdk";
import {
  commissioning,
  epcisDocument,
  itemUri,
  PACK_GTIN,
  PLANT,
  packing,
  receiving,
  SHIPPING_DOCK,
  SUPPLY_CHAIN,
  shipping,
  sscc,
  ssccUri,
  unpacking,
} from "./epcis-documents.ts";

/** Limits of the supplychain contract (apps `contracts/limits.ts`; bench may not import apps). */
export const ITEMS_PER_REGISTER_MAX = 1_000;
export const CAPTURE_EPCS_MAX = 1_500;
export const TRACE_KEYS_MAX = 500;

export const ORGS = ["maker", "distributor", "hospital", "pharmacy"] as const;
export type Org = (typeof ORGS)[number];
const DC = "urn:epc:id:sgln:4012345.00010.0";
const SITES: Record<Org, string> = {
  maker: PLANT,
  distributor: DC,
  hospital: "urn:epc:id:sgln:9521234.00003.0",
  pharmacy: "urn:epc:id:sgln:9521234.00004.0",
};
const PARTIES: Record<Org, string> = {
  maker: "urn:epc:id:pgln:0614141.00001",
  distributor: "urn:epc:id:pgln:4012345.00000",
  hospital: "urn:epc:id:pgln:9521234.00000",
  pharmacy: "urn:epc:id:pgln:9521234.00001",
};
export const EXPIRY = "271231";
const HOUR = 3_600_000;

/** How a batch is packed: packs per batch, per case, and cases per pallet. */
export interface BatchShape {
  items: number;
  perCase: number;
  casesPerPallet: number;
}

/** One organisation's member, talking to "its" node (validators in turn). */
export interface Party {
  org: Org;
  client: CityChainClient;
  identity: LoadedIdentity;
}

interface Call {
  fn: string;
  args: string[];
}

export async function submitAll(party: Party, calls: Call[]): Promise<{ returnText?: string }[]> {
  const status = await party.client.status();
  const txs = calls.map(
    (c) =>
      buildSignedTx(
        { chainId: status.chainId, contract: SUPPLY_CHAIN, fn: c.fn, args: c.args, expiresAt: status.height + 1_000 },
        [party.identity],
      ).bytes,
  );
  const results = await party.client.submitRaw(txs, { wait: true, timeoutMs: 60_000 });
  results.forEach((r, i) => {
    if (r.code !== "OK") throw new Error(`${party.org} ${calls[i].fn} failed with ${r.code}: ${r.message}`);
  });
  return results;
}

export async function evaluate<T>(party: Party, fn: string, ...args: string[]): Promise<T> {
  const bytes = await party.client.evaluateTransaction(SUPPLY_CHAIN, fn, ...args);
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

export async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** The identifiers of batch `b`: packs, cases and pallets, each as its Digital Link. */
export class BatchPlan {
  readonly lot: string;
  readonly pallets: number;
  constructor(
    readonly b: number,
    readonly o: BatchShape,
  ) {
    this.lot = `LOT${String(b + 1).padStart(3, "0")}`;
    this.pallets = o.items / (o.perCase * o.casesPerPallet);
  }
  serial(n: number): string {
    return `B${this.b}S${String(n).padStart(6, "0")}`;
  }
  pack(n: number): string {
    return itemUri(PACK_GTIN, this.serial(n));
  }
  case(c: number): string {
    return ssccUri(sscc(this.b * 100_000 + 10_000 + c));
  }
  pallet(p: number): string {
    return ssccUri(sscc(this.b * 100_000 + 90_000 + p));
  }
  /** Pallets by where they end: a third at the hospital, a third at the pharmacy, the rest at the distributor. */
  palletsOf(org: "hospital" | "pharmacy" | "distributor"): number[] {
    const third = Math.floor(this.pallets / 3);
    const all = Array.from({ length: this.pallets }, (_, p) => p);
    if (org === "hospital") return all.slice(0, third);
    if (org === "pharmacy") return all.slice(third, 2 * third);
    return all.slice(2 * third);
  }
}

export interface SetupTimes {
  registerMs: number;
  commissionPackMs: number;
  shipReceiveMs: number;
}

/** Registers, commissions, packs, ships and receives one batch; returns how long each phase took. */
export async function loadBatch(plan: BatchPlan, parties: Record<Org, Party>): Promise<SetupTimes> {
  const { o } = plan;
  const register: Call[] = [];
  for (let from = 0; from < o.items; from += ITEMS_PER_REGISTER_MAX) {
    const serials = Array.from({ length: Math.min(ITEMS_PER_REGISTER_MAX, o.items - from) }, (_, i) =>
      plan.serial(from + i),
    );
    register.push({ fn: "Products:RegisterItems", args: [PACK_GTIN, plan.lot, EXPIRY, JSON.stringify(serials)] });
  }
  const registered = await timed(() => submitAll(parties.maker, register));

  const t0 = Date.now() - 10 * 24 * HOUR + plan.b * HOUR;
  const perPallet = o.perCase * o.casesPerPallet;
  const captures: Call[] = [];
  for (let p = 0; p < plan.pallets; p++) {
    const packs = Array.from({ length: perPallet }, (_, i) => plan.pack(p * perPallet + i));
    const cases = Array.from({ length: o.casesPerPallet }, (_, c) => p * o.casesPerPallet + c);
    const events = [
      commissioning(t0, packs, plan.lot, "2027-12-31"),
      ...cases.map((c, k) => packing(t0 + 60_000, plan.case(c), packs.slice(k * o.perCase, (k + 1) * o.perCase))),
      packing(
        t0 + 120_000,
        plan.pallet(p),
        cases.map((c) => plan.case(c)),
        SHIPPING_DOCK,
      ),
    ];
    captures.push({ fn: "Epcis:Capture", args: [epcisDocument(events)] });
  }
  const packed = await timed(() => submitAll(parties.maker, captures));

  const all = Array.from({ length: plan.pallets }, (_, p) => plan.pallet(p));
  const capture = (party: Party, events: Record<string, unknown>[]) =>
    submitAll(party, [{ fn: "Epcis:Capture", args: [epcisDocument(events)] }]);
  const shipped = await timed(async () => {
    await capture(parties.maker, [
      shipping(t0 + 2 * HOUR, all, SHIPPING_DOCK, `PO-${plan.lot}`, {
        from: PARTIES.maker,
        to: PARTIES.distributor,
      }),
    ]);
    await capture(parties.distributor, [receiving(t0 + 8 * HOUR, all, DC)]);
    const onward = (org: "hospital" | "pharmacy") =>
      shipping(
        t0 + 24 * HOUR,
        plan.palletsOf(org).map((p) => plan.pallet(p)),
        DC,
        `PO-${org}-${plan.lot}`,
        { from: PARTIES.distributor, to: PARTIES[org] },
      );
    await capture(parties.distributor, [onward("hospital"), onward("pharmacy")]);
    const [first, ...rest] = plan.palletsOf("hospital").map((p) => plan.pallet(p));
    await Promise.all([
      capture(parties.hospital, [
        receiving(t0 + 30 * HOUR, [first, ...rest], SITES.hospital),
        unpacking(t0 + 31 * HOUR, first, SITES.hospital),
      ]),
      capture(parties.pharmacy, [
        receiving(
          t0 + 30 * HOUR,
          plan.palletsOf("pharmacy").map((p) => plan.pallet(p)),
          SITES.pharmacy,
        ),
      ]),
    ]);
  });
  return { registerMs: registered.ms, commissionPackMs: packed.ms, shipReceiveMs: shipped.ms };
}
