import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { gs1CheckDigit, SUPPLY_CHAIN_CONTRACT } from "@citychain/apps";
import { loadIdentity } from "@citychain/crypto";
import { CityChainClient } from "@citychain/sdk";
import { type DemoItem, document, HOUR, iso, objectEvent, RESOLVER, type Submit } from "./demo-epcis.ts";
import { loadFoodChain } from "./demo-food.ts";

export type { DemoItem } from "./demo-epcis.ts";

/** A vaccine GTIN (GS1's example company prefix). */
export const DEMO_VACCINE_GTIN = `0950600013435${gs1CheckDigit("0950600013435")}`;
const SSCC = `00614141000000001`;
const CASE_SSCC = `${SSCC}${gs1CheckDigit(SSCC)}`;
const FACTORY = "urn:epc:id:sgln:0614141.00001.0";
const HOSPITAL = "urn:epc:id:sgln:0614141.00003.0";

const item = (serial: string) => `${RESOLVER}/01/${DEMO_VACCINE_GTIN}/21/${serial}`;

function readings(fromMs: number, hours: number, celsius: number): { timeMs: number; celsius: number }[] {
  const out = [];
  for (let t = fromMs; t <= fromMs + hours * HOUR; t += 30 * 60_000) out.push({ timeMs: t, celsius });
  return out;
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
