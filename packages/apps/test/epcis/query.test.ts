import { describe, expect, it } from "vitest";
import { type EpcisEvent, type EpcisQueryParams, queryEvents } from "../../src/index.ts";
import { thrownCode } from "../helpers.ts";
import { CASE_C1, ITEM_A, journeyEvents, OUTPUT_Q, PALLET_P1 } from "./journey.ts";

const events = journeyEvents();
const positions = (found: EpcisEvent[]) => found.map((e) => events.indexOf(e));

describe("queryEvents over the journey", () => {
  it.each<[string, EpcisQueryParams, number[]]>([
    ["everything, in time order", {}, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ["eventType", { eventType: ["AggregationEvent", "AssociationEvent"] }, [1, 2, 6, 7, 10]],
    [
      "GE/LT eventTime (LT exclusive)",
      { GE_eventTime: "2024-03-01T09:30:00Z", LT_eventTime: "2024-03-01T18:00:00+01:00" },
      [3, 4],
    ],
    ["GE_recordTime", { GE_recordTime: "2024-03-01T18:00:00Z" }, [5]],
    [
      "EQ_bizStep in any CBV form",
      { EQ_bizStep: ["urn:epcglobal:cbv:bizstep:shipping", "cbv:BizStep-receiving"] },
      [3, 5],
    ],
    ["EQ_bizStep with a user vocabulary", { EQ_bizStep: ["https://citychain.example/voc/bizstep/bedside-check"] }, [8]],
    ["EQ_disposition", { EQ_disposition: ["https://ref.gs1.org/cbv/Disp-in_transit"] }, [3]],
    [
      "EQ_readPoint as SGLN URN matching a Digital Link",
      { EQ_readPoint: ["urn:epc:id:sgln:4012345.00001.0"] },
      [5, 6, 7, 8, 9, 10],
    ],
    ["EQ_bizLocation", { EQ_bizLocation: ["https://id.gs1.org/414/4012345000016"] }, [5]],
    ["EQ_action", { EQ_action: ["DELETE"] }, [6, 7]],
    [
      "MATCH_epc in epcList and childEPCs, URN or Digital Link",
      { MATCH_epc: ["https://id.gs1.org/01/10614141073464/21/1001"] },
      [0, 1, 7, 8],
    ],
    ["MATCH_epc with a GTIN pattern", { MATCH_epc: ["urn:epc:idpat:sgtin:0614141.107346.*"] }, [0, 1, 7, 8]],
    ["MATCH_parentID", { MATCH_parentID: [CASE_C1] }, [1, 7]],
    ["MATCH_anyEPC includes parents and inputs", { MATCH_anyEPC: [PALLET_P1] }, [2, 3, 4, 5, 6]],
    ["MATCH_inputEPC", { MATCH_inputEPC: ["urn:epc:id:sgtin:0614141.107346.1002"] }, [9]],
    ["MATCH_outputEPC", { MATCH_outputEPC: [OUTPUT_Q] }, [9]],
    ["parameters are ANDed", { MATCH_epc: [ITEM_A], EQ_action: ["ADD"] }, [0, 1]],
  ])("%s", (_, params, expected) => {
    expect(positions(queryEvents(events, params).events)).toEqual(expected);
  });

  it("pages deterministically, whatever the input order", () => {
    const shuffled = [...events].reverse();
    const first = queryEvents(shuffled, { perPage: 4 });
    expect(positions(first.events)).toEqual([0, 1, 2, 3]);
    expect(first.nextOffset).toBe(4);
    const last = queryEvents(shuffled, { perPage: 4, offset: 8 });
    expect(positions(last.events)).toEqual([8, 9, 10]);
    expect(last.nextOffset).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>]>([
    ["an unknown parameter", { EQ_colour: ["red"] }],
    ["a time without offset", { GE_eventTime: "2024-03-01T00:00:00" }],
    ["perPage 0", { perPage: 0 }],
    ["a misspelt business step", { EQ_bizStep: ["shippin"] }],
  ])("rejects %s with EPCIS_QUERY_INVALID", (_, params) => {
    expect(thrownCode(() => queryEvents(events, params as EpcisQueryParams))?.code).toBe("EPCIS_QUERY_INVALID");
  });
});
