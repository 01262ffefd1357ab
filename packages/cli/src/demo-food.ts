import { gs1CheckDigit } from "@citychain/apps";
import type { CityChainClient } from "@citychain/sdk";
import { document, event, gtin14, HOUR, objectEvent, RESOLVER, type Submit, sscc18 } from "./demo-epcis.ts";

/** A party of the food chain at one of its locations: its GLN, as SGLN (with a sub-location extension) and PGLN. */
interface Place {
  gln: string;
  site: string;
  party: string;
}

function place(companyPrefix: string, locationRef: string, extension = "0"): Place {
  return {
    gln: `${companyPrefix}${locationRef}${gs1CheckDigit(`${companyPrefix}${locationRef}`)}`,
    site: `urn:epc:id:sgln:${companyPrefix}.${locationRef}.${extension}`,
    party: `urn:epc:id:pgln:${companyPrefix}.${locationRef}`,
  };
}

/** The farms: each sells apples under its own GTIN and registers its harvest lot. */
const FARMS = [
  {
    name: "Green Valley Orchard",
    ...place("4012345", "00001"),
    block: "urn:epc:id:sgln:4012345.00001.3",
    gtin: gtin14("0401234511001"),
    lot: "GVO-2611-B3",
  },
  {
    name: "Hillside Farm",
    ...place("4000001", "00002"),
    block: "urn:epc:id:sgln:4000001.00002.7",
    gtin: gtin14("0400000121001"),
    lot: "HSF-2611-07",
  },
];
const PLANT = place("0614141", "00005");
const PLANT_DOCK = place("0614141", "00005", "1").site;
const PLANT_LINE = place("0614141", "00005", "2").site;
const FOOD_DC = place("9521141", "00010");
/** The hospital shop: a sub-location of the hospital's GLN. */
const SHOP = place("0614141", "00003", "7");
/** Apple purée, 90 g pouch, made by pharma's nutrition plant. */
const PUREE_GTIN = gtin14("0061414120090");
const PUREE_LOT = "AP2611A";
const PUREE_EXPIRY = "270531";
const PUREE_CASES = [sscc18("00614141000000101"), sscc18("00614141000000102")];

/** Shipping from one place to another against the buyer's purchase order. */
function shippingEvent(timeMs: number, epcs: string[], from: Place, to: Place, order: string) {
  return objectEvent(timeMs, "OBSERVE", epcs, {
    bizStep: "shipping",
    disposition: "in_transit",
    readPoint: { id: from.site },
    bizTransactionList: [{ type: "po", bizTransaction: `urn:epcglobal:cbv:bt:${to.gln}:${order}` }],
    sourceList: [{ type: "owning_party", source: from.party }],
    destinationList: [{ type: "owning_party", destination: to.party }],
  });
}

function receivingEvent(timeMs: number, epcs: string[], at: Place, readPoint = at.site) {
  return objectEvent(timeMs, "OBSERVE", epcs, {
    bizStep: "receiving",
    disposition: "in_progress",
    readPoint: { id: readPoint },
    bizLocation: { id: at.site },
  });
}

/**
 * A food chain on the same contract: two farms harvest apples into field
 * bins (each farm's harvest lot registered, its bins serialised), the
 * nutrition plant receives the bins and turns them into purée pouches (a
 * TransformationEvent: bins in, pouches out), packs the pouches into
 * cases and ships them to the city's food distribution centre, which
 * sends one case on to the hospital shop; the shop receives, unpacks and
 * shelves it and sells a pouch. A backward trace from that pouch reaches
 * both farms' harvests.
 *
 * The demo network's four organisations play the parts (adding
 * organisations through governance would change the majority the
 * README's governance steps count on): city-gov captures the harvests of
 * the city's registered farms, which run no nodes (its agriculture
 * bureau's traceability service, as city-run farm-produce traceability
 * platforms do) and runs the food distribution centre; pharma's nutrition
 * plant makes the purée; the hospital's shop sells it.
 */
export async function loadFoodChain(
  city: CityChainClient,
  pharma: CityChainClient,
  hospital: CityChainClient,
  submit: Submit,
) {
  const t0 = Date.now() - 72 * HOUR;
  const bins = FARMS.map((farm) =>
    ["BIN-0001", "BIN-0002"].map((serial) => `${RESOLVER}/01/${farm.gtin}/10/${farm.lot}/21/${serial}`),
  );
  const pouchSerials = Array.from({ length: 24 }, (_, i) => `P${String(i + 1).padStart(4, "0")}`);
  const pouches = pouchSerials.map((serial) => `${RESOLVER}/01/${PUREE_GTIN}/21/${serial}`);
  const cases = PUREE_CASES.map((sscc) => `${RESOLVER}/00/${sscc}`);
  await Promise.all([
    ...FARMS.map((farm) =>
      submit(city, "Products:RegisterItems", farm.gtin, farm.lot, "270331", JSON.stringify(["BIN-0001", "BIN-0002"])),
    ),
    submit(pharma, "Products:RegisterItems", PUREE_GTIN, PUREE_LOT, PUREE_EXPIRY, JSON.stringify(pouchSerials)),
  ]);
  await submit(
    city,
    "Epcis:Capture",
    document(
      FARMS.flatMap((farm, f) => [
        objectEvent(t0 + f * HOUR, "ADD", bins[f], {
          bizStep: "commissioning",
          disposition: "active",
          readPoint: { id: farm.block },
          bizLocation: { id: farm.site },
          ilmd: { "cbvmda:lotNumber": farm.lot, "cbvmda:bestBeforeDate": "2027-03-31" },
        }),
        shippingEvent(t0 + (f + 3) * HOUR, bins[f], farm, PLANT, `PO-AP-${f + 1}`),
      ]),
    ),
  );
  await submit(
    pharma,
    "Epcis:Capture",
    document([
      receivingEvent(t0 + 6 * HOUR, bins.flat(), PLANT, PLANT_DOCK),
      event("TransformationEvent", t0 + 9 * HOUR, {
        inputEPCList: bins.flat(),
        outputEPCList: pouches,
        bizStep: "commissioning",
        disposition: "active",
        readPoint: { id: PLANT_LINE },
        bizLocation: { id: PLANT.site },
        ilmd: { "cbvmda:lotNumber": PUREE_LOT, "cbvmda:bestBeforeDate": "2027-05-31" },
      }),
      ...cases.map((parentID, c) =>
        event("AggregationEvent", t0 + 10 * HOUR, {
          action: "ADD",
          parentID,
          childEPCs: pouches.slice(c * 12, (c + 1) * 12),
          bizStep: "packing",
          disposition: "container_closed",
          readPoint: { id: PLANT_LINE },
          bizLocation: { id: PLANT.site },
        }),
      ),
      shippingEvent(t0 + 12 * HOUR, cases, { ...PLANT, site: PLANT_DOCK }, FOOD_DC, "PO-DC-77"),
    ]),
  );
  await submit(
    city,
    "Epcis:Capture",
    document([
      receivingEvent(t0 + 16 * HOUR, cases, FOOD_DC),
      shippingEvent(t0 + 30 * HOUR, [cases[0]], FOOD_DC, SHOP, "PO-SHOP-9"),
    ]),
  );
  const shelf = pouches.slice(0, 12);
  await submit(
    hospital,
    "Epcis:Capture",
    document([
      receivingEvent(t0 + 33 * HOUR, [cases[0]], SHOP),
      event("AggregationEvent", t0 + 33.5 * HOUR, {
        action: "DELETE",
        parentID: cases[0],
        bizStep: "unpacking",
        disposition: "in_progress",
        readPoint: { id: SHOP.site },
        bizLocation: { id: SHOP.site },
      }),
      objectEvent(t0 + 34 * HOUR, "OBSERVE", shelf, {
        bizStep: "stocking",
        disposition: "sellable_accessible",
        readPoint: { id: SHOP.site },
        bizLocation: { id: SHOP.site },
      }),
      objectEvent(t0 + 50 * HOUR, "OBSERVE", [shelf[0]], {
        bizStep: "retail_selling",
        disposition: "retail_sold",
        readPoint: { id: SHOP.site },
        bizLocation: { id: SHOP.site },
      }),
    ]),
  );
  return {
    retailItem: {
      gtin: PUREE_GTIN,
      lot: PUREE_LOT,
      serial: pouchSerials[0],
      expiry: PUREE_EXPIRY,
      digitalLink: `${RESOLVER}/01/${PUREE_GTIN}/10/${PUREE_LOT}/21/${pouchSerials[0]}`,
    },
    farmLots: FARMS.map((farm) => ({ gtin: farm.gtin, lot: farm.lot, farm: farm.site, name: farm.name })),
  };
}
