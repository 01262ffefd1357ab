import { ErrorCode } from "@citychain/protocol";
import { type PartyRecord, partyGlnInput, partyKey } from "../custody/parties.ts";
import { ATTRIBUTES_BYTES_MAX, ITEMS_PER_REGISTER_MAX } from "../limits.ts";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { attributesArg, integerArg, jsonArg, readArgs } from "../shared/args.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { BUSINESS_ROLES, callerOf, requireRole } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { expiryInput, gtinInput, lotInput, serialInput } from "./gs1-input.ts";
import { type Description, describe } from "./lookup.ts";
import type { BatchRecord, ItemRecord } from "./records.ts";
import { type BatchInput, registerBatch, registerItems, type TxFacts } from "./register.ts";
import { type ResolveAnswer, resolveDigitalLink } from "./resolve.ts";

/** Largest quantity a batch may declare. */
const BATCH_QUANTITY_MAX = 1_000_000_000;

/**
 * Product identity (`Products:*`): one record per lot and per serialised
 * item, created by its maker — the signer's organisation (members, admins
 * and nodes), which becomes the GTIN's maker on its first registration.
 * Values are GS1's: GTIN-8/12/13/14 with check digit, (10) lot and (21)
 * serial in character set 82, (17) expiry as YYMMDD.
 */
export class Products extends AppContract {
  constructor() {
    super("Products");
  }

  /** `RegisterItem(gtin, lot, serial, expiry, attributesJson?)`: one serialised item (its lot is created if new). */
  async RegisterItem(ctx: AppContext, ...args: string[]): Promise<ItemRecord> {
    const [gtin, lot, serial, expiry, attributes] = readArgs(
      args,
      "Products:RegisterItem",
      ["gtin", "lot", "serial", "expiry"],
      ["attributesJson"],
    );
    const [item] = await this.#register(ctx, gtin, lot, expiry, [serialInput(serial)], attributes);
    return item;
  }

  /** `RegisterItems(gtin, lot, expiry, serialsJson, attributesJson?)`: up to ITEMS_PER_REGISTER_MAX serials (a JSON array of strings). */
  async RegisterItems(
    ctx: AppContext,
    ...args: string[]
  ): Promise<{ registered: number; batch: string; txId: string }> {
    const [gtin, lot, expiry, serialsJson, attributes] = readArgs(
      args,
      "Products:RegisterItems",
      ["gtin", "lot", "expiry", "serialsJson"],
      ["attributesJson"],
    );
    const list = jsonArg(serialsJson, "serialsJson");
    if (!Array.isArray(list) || list.length === 0 || list.length > ITEMS_PER_REGISTER_MAX) {
      throw appError(
        ErrorCode.APP_ARGS_INVALID,
        `serialsJson must be an array of 1 to ${ITEMS_PER_REGISTER_MAX} serials`,
      );
    }
    const serials = list.map((serial, i) => {
      if (typeof serial !== "string") throw appError(ErrorCode.APP_ARGS_INVALID, `serialsJson[${i}] must be a string`);
      if (list.indexOf(serial) !== i)
        throw appError(ErrorCode.APP_ARGS_INVALID, `serialsJson[${i}] repeats serial ${serial}`);
      return serialInput(serial);
    });
    const items = await this.#register(ctx, gtin, lot, expiry, serials, attributes);
    return { registered: items.length, batch: items[0].batchKey, txId: ctx.stub.getTxID() };
  }

  /** `RegisterBatch(gtin, lot, expiry, quantity, attributesJson?)`: a lot of `quantity` units (a whole number). */
  async RegisterBatch(ctx: AppContext, ...args: string[]): Promise<BatchRecord> {
    const [gtin, lot, expiry, quantity, attributes] = readArgs(
      args,
      "Products:RegisterBatch",
      ["gtin", "lot", "expiry", "quantity"],
      ["attributesJson"],
    );
    const { caller, input, tx } = this.#inputs(ctx, gtin, lot, expiry, attributes);
    input.quantity = integerArg(quantity, "quantity", 0, BATCH_QUANTITY_MAX);
    return registerBatch(ctx.state, caller, input, tx);
  }

  /**
   * `RegisterParty(gln)`: claims a party GLN (13 digits, `urn:epc:id:pgln:…`
   * or a Digital Link with AI 417) for the caller's organisation. From then
   * on a shipment whose destinationList names that party (owning or
   * possessing) may be received by this organisation only.
   */
  async RegisterParty(ctx: AppContext, glnArg: string): Promise<PartyRecord> {
    const caller = callerOf(ctx);
    requireRole(caller, BUSINESS_ROLES, "registering a party GLN");
    const gln = partyGlnInput(glnArg);
    const existing = await ctx.state.get<PartyRecord>(partyKey(gln));
    if (existing) {
      throw appError(
        existing.org === caller.org ? ErrorCode.APP_ALREADY_EXISTS : ErrorCode.APP_FORBIDDEN,
        `party GLN ${gln} is registered to ${existing.org} already`,
      );
    }
    const record: PartyRecord = { gln, org: caller.org, sinceMs: blockTimeMs(ctx), txId: ctx.stub.getTxID() };
    ctx.state.put(partyKey(gln), record);
    return record;
  }

  /** `Get(keyOrDigitalLink)`: an item, lot, case/pallet (SSCC) or product, with status and custodian now. */
  async Get(ctx: AppContext, keyOrDigitalLink: string): Promise<Description> {
    return describe(ctx.state, keyOrDigitalLink, blockTimeMs(ctx));
  }

  /** `Resolve(digitalLinkUri)`: the resolver's provenance answer (see resolve.ts). */
  async Resolve(ctx: AppContext, digitalLinkUri: string): Promise<ResolveAnswer> {
    return resolveDigitalLink(ctx.state, digitalLinkUri, blockTimeMs(ctx));
  }

  async #register(
    ctx: AppContext,
    gtin: string,
    lot: string,
    expiry: string,
    serials: string[],
    attributes: string,
  ): Promise<ItemRecord[]> {
    const { caller, input, tx } = this.#inputs(ctx, gtin, lot, expiry, attributes);
    return registerItems(ctx.state, caller, input, serials, tx);
  }

  #inputs(ctx: AppContext, gtin: string, lot: string, expiry: string, attributes: string) {
    const caller = callerOf(ctx);
    requireRole(caller, BUSINESS_ROLES, "registering products");
    const tx: TxFacts = { nowMs: blockTimeMs(ctx), txId: ctx.stub.getTxID() };
    const input: BatchInput = {
      gtin: gtinInput(gtin),
      lot: lotInput(lot),
      expiry: expiryInput(expiry, tx.nowMs),
      quantity: null,
      attributes: attributesArg(attributes, "attributesJson", ATTRIBUTES_BYTES_MAX),
    };
    return { caller, input, tx };
  }
}
