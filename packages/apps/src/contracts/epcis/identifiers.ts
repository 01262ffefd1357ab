import { ErrorCode } from "@citychain/protocol";
import { epcToIdentity } from "../../gs1/epc-key.ts";
import { loadBatch, loadItem, loadProduct } from "../products/product-store.ts";
import { appError } from "../shared/errors.ts";
import { checkKeyPart } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";

const EPC_FIELDS = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"];
const QUANTITY_FIELDS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

/** Every identifier an event names, with the field path that names it. */
function identifiersOf(event: Record<string, unknown>): Array<{ path: string; value: string }> {
  const out: Array<{ path: string; value: string }> = [];
  if (typeof event.parentID === "string") out.push({ path: "parentID", value: event.parentID });
  for (const field of EPC_FIELDS) {
    const list = event[field];
    if (!Array.isArray(list)) continue;
    list.forEach((value, i) => {
      if (typeof value === "string") out.push({ path: `${field}[${i}]`, value });
    });
  }
  for (const field of QUANTITY_FIELDS) {
    const list = event[field];
    if (!Array.isArray(list)) continue;
    list.forEach((element: { epcClass?: unknown }, i) => {
      if (typeof element.epcClass === "string") out.push({ path: `${field}[${i}].epcClass`, value: element.epcClass });
    });
  }
  return out;
}

/**
 * Rejects identifiers the chain should know but does not. A GTIN whose
 * maker registered it on chain has a closed set of serials and lots: an
 * instance or lot of it that was never registered is unknown (a
 * counterfeit, a typo, or a registration still to come) and the event is
 * refused with EPCIS_IDENTIFIER_UNKNOWN. Identifiers of products not on
 * chain (other makers' GTINs, SSCCs, GLN-based or private identifiers) are
 * accepted: an open supply chain includes partners who do not register
 * here, and such units are tracked from the first event that names them.
 */
export async function checkIdentifiers(state: StateCache, event: unknown, where: string): Promise<number> {
  const ids = identifiersOf(event as Record<string, unknown>);
  for (const { path, value } of ids) {
    checkKeyPart(value, `${where} ${path}`);
    const identity = epcToIdentity(value);
    if (identity === undefined || (identity.scheme !== "sgtin" && identity.scheme !== "lgtin")) continue;
    const product = await loadProduct(state, identity.gtin);
    if (product === undefined) continue;
    const known =
      identity.scheme === "sgtin"
        ? (await loadItem(state, identity.gtin, identity.serial)) !== undefined
        : (await loadBatch(state, identity.gtin, identity.lot)) !== undefined;
    if (!known) {
      const what = identity.scheme === "sgtin" ? `serial ${identity.serial}` : `lot ${identity.lot}`;
      throw appError(
        ErrorCode.EPCIS_IDENTIFIER_UNKNOWN,
        `${where} ${path}: ${value} is unknown: GTIN ${identity.gtin} is registered by ${product.maker}, which has not registered ${what}; it registers it with Products:Register${identity.scheme === "sgtin" ? "Item" : "Batch"} first`,
      );
    }
  }
  return ids.length;
}
