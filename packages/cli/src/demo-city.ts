import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { gs1CheckDigit, SUPPLY_CHAIN_CONTRACT } from "@citychain/apps";
import { loadIdentity } from "@citychain/crypto";
import { CityChainClient } from "@citychain/sdk";

const RESOLVER = "https://id.gs1.org";
/** A vaccine GTIN (GS1's example company prefix). */
export const DEMO_VACCINE_GTIN = `0950600013435${gs1CheckDigit("0950600013435")}`;
const SSCC = `00614141000000001`;
const CASE_SSCC = `${SSCC}${gs1CheckDigit(SSCC)}`;
const FACTORY = "urn:epc:id:sgln:0614141.00001.0";
const HOSPITAL = "urn:epc:id:sgln:0614141.00003.0";
const HOUR = 3_600_000;

const item = (serial: string) => `${RESOLVER}/01/${DEMO_VACCINE_GTIN}/21/${serial}`;
const gtin14 = (body13: string) => `${body13}${gs1CheckDigit(body13)}`;
const sscc18 = (body17: string) => `${body17}${gs1CheckDigit(body17)}`;
const iso = (ms: number) => new Date(ms).toISOString();

function document(events: Record<string, unknown>[]): string {
  return JSON.stringify({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: iso(Date.now()),
    epcisBody: { eventList: events },
  });
}

function event(type: string, timeMs: number, fields: Record<string, unknown>) {
  return { type, eventTime: iso(timeMs), eventTimeZoneOffset: "+00:00", ...fields };
}

function objectEvent(timeMs: number, action: string, epcList: string[], fields: Record<string, unknown>) {
  return event("ObjectEvent", timeMs, { action, epcList, ...fields });
}

function readings(fromMs: number, hours: number, celsius: number): { timeMs: number; celsius: number }[] {
  const out = [];
  for (let t = fromMs; t <= fromMs + hours * HOUR; t += 30 * 60_000) out.push({ timeMs: t, celsius });
  return out;
}

/** A serialised item as its GS1 DataMatrix carries it. */
export interface DemoItem {
  gtin: string;
  lot: string;
  serial: string;
  expiry: string;
}

/** What the demo city holds, for the commands it prints. */
export interface DemoCity {
  transactions: number;
  /** A pouch of apple purée sold at the hospital shop: its backward trace reaches the farms' lots. */
  retailItem: DemoItem & { digitalLink: string };
  /** The farms' harvest lots the retail item was made from, with each farm's name and location (SGLN). */
  farmLots: { gtin: string; lot: string; farm: string; name: string }[];
  /** A vaccine that went through an excursion (quarantined). */
  quarantinedItem: DemoItem;
  /** A vaccine of the recalled batch. */
  recalledItem: DemoItem;
}

type Submit = (c: CityChainClient, fn: string, ...args: string[]) => Promise<void>;

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
async function loadFoodChain(
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

/**
 * The pharma cold chain: the maker (pharma) registers two vaccine batches
 * and their packs, sets the 2–8 °C profile, commissions the packs, packs
 * one batch into a case and ships it with the other batch's packs to the
 * hospital, which receives them; the city's IoT operator (city-gov)
 * registers a fridge sensor whose readings show a 12 °C excursion, which
 * quarantines the first batch; the maker recalls the second batch, and the
 * hospital, which holds it, is notified. Steps that do not depend on each
 * other are submitted together, so they share blocks.
 */
async function loadColdChain(
  pharma: CityChainClient,
  hospital: CityChainClient,
  operator: CityChainClient,
  sensorFeed: CityChainClient,
  submit: Submit,
): Promise<Pick<DemoCity, "quarantinedItem" | "recalledItem">> {
  const expiry = "271231";
  const lotA = "VAX26A";
  const lotB = "VAX26B";
  const serialsA = Array.from({ length: 12 }, (_, i) => `V${String(i + 1).padStart(4, "0")}`);
  const serialsB = Array.from({ length: 6 }, (_, i) => `W${String(i + 1).padStart(4, "0")}`);
  await Promise.all([
    submit(pharma, "Products:RegisterBatch", DEMO_VACCINE_GTIN, lotA, expiry, "500"),
    submit(pharma, "Products:RegisterBatch", DEMO_VACCINE_GTIN, lotB, expiry, "300"),
  ]);
  const { publicKey } = generateKeyPairSync("ed25519");
  const device = "urn:dev:city-gov:fridge-7";
  await Promise.all([
    submit(pharma, "Products:RegisterItems", DEMO_VACCINE_GTIN, lotA, expiry, JSON.stringify(serialsA)),
    submit(pharma, "Products:RegisterItems", DEMO_VACCINE_GTIN, lotB, expiry, JSON.stringify(serialsB)),
    submit(pharma, "ColdChain:SetProfile", DEMO_VACCINE_GTIN, "vaccine2to8"),
    submit(operator, "Devices:Register", device, publicKey.export({ type: "spki", format: "pem" }).toString()),
  ]);

  const t0 = Date.now() - 48 * HOUR;
  const all = [...serialsA, ...serialsB].map(item);
  const caseUri = `${RESOLVER}/00/${CASE_SSCC}`;
  const shipped = [caseUri, ...serialsB.map(item)];
  await submit(
    pharma,
    "Epcis:Capture",
    document([
      objectEvent(t0, "ADD", all, { bizStep: "commissioning", disposition: "active", readPoint: { id: FACTORY } }),
      {
        type: "AggregationEvent",
        eventTime: iso(t0 + HOUR / 6),
        eventTimeZoneOffset: "+00:00",
        action: "ADD",
        parentID: caseUri,
        childEPCs: serialsA.map(item),
        bizStep: "packing",
        disposition: "in_progress",
        readPoint: { id: FACTORY },
      },
      objectEvent(t0 + HOUR, "OBSERVE", shipped, {
        bizStep: "shipping",
        disposition: "in_transit",
        readPoint: { id: FACTORY },
      }),
    ]),
  );
  await submit(
    hospital,
    "Epcis:Capture",
    document([
      objectEvent(t0 + 5 * HOUR, "OBSERVE", shipped, {
        bizStep: "receiving",
        disposition: "in_progress",
        readPoint: { id: HOSPITAL },
        bizLocation: { id: HOSPITAL },
      }),
    ]),
  );

  const batchA = `01/${DEMO_VACCINE_GTIN}/10/${lotA}`;
  // The recall of lot B (now at the hospital) does not wait for the fridge's readings of lot A.
  await Promise.all([
    submit(sensorFeed, "ColdChain:RecordReadings", batchA, device, JSON.stringify(readings(t0 + 6 * HOUR, 4, 5))),
    submit(pharma, "Recall:RecallBatch", DEMO_VACCINE_GTIN, lotB, "label misprint: wrong storage instructions"),
  ]);
  await submit(
    sensorFeed,
    "ColdChain:RecordReadings",
    batchA,
    device,
    JSON.stringify(readings(t0 + 10.5 * HOUR, 11, 12)),
  );
  return {
    quarantinedItem: { gtin: DEMO_VACCINE_GTIN, lot: lotA, serial: serialsA[0], expiry },
    recalledItem: { gtin: DEMO_VACCINE_GTIN, lot: lotB, serial: serialsB[0], expiry },
  };
}

/**
 * The demo city's supply chains on the `supplychain` contract, loaded side
 * by side (each through its organisations' own nodes): the pharma cold
 * chain and the food chain (see loadColdChain and loadFoodChain).
 */
export async function loadDemoCity(dir: string, urlOf: (org: string) => string): Promise<DemoCity> {
  const client = async (org: string, role: "member" | "admin" = "member") =>
    new CityChainClient({ url: urlOf(org), identity: await loadIdentity(join(dir, "orgs", org, role)) });
  const pharma = await client("pharma");
  const hospital = await client("hospital");
  const operator = await client("city-gov", "admin");
  const sensorFeed = await client("city-gov");
  let n = 0;
  const submit = async (c: CityChainClient, fn: string, ...args: string[]) => {
    await c.submitTransaction(SUPPLY_CHAIN_CONTRACT, fn, ...args);
    n++;
  };
  const [coldChain, food] = await Promise.all([
    loadColdChain(pharma, hospital, operator, sensorFeed, submit),
    loadFoodChain(sensorFeed, pharma, hospital, submit),
  ]);
  return { transactions: n, ...coldChain, ...food };
}
