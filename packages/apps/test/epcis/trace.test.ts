import { describe, expect, it } from "vitest";
import { type EpcisEvent, traceEpc } from "../../src/index.ts";
import { thrownCode } from "../helpers.ts";
import { ITEM_A, ITEM_B, journeyEvents, OUTPUT_Q, PALLET_P1 } from "./journey.ts";

const events = journeyEvents();
const positions = (found: EpcisEvent[]) => found.map((e) => events.indexOf(e));

describe("traceEpc over the journey", () => {
  it("backward from an item: its own events, its case and the pallet while it was inside, not its siblings' later life", () => {
    const graph = traceEpc(events, "https://id.gs1.org/01/10614141073464/21/1001", { direction: "backward" });
    expect(positions(graph.nodes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(graph.epcs).toEqual(["00/106141410000000019", "00/106141410000000095", "01/10614141073464/21/1001"]);
    const kinds = new Set(graph.edges.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(["aggregation", "custody"]);
    expect(graph.edges).toContainEqual({ from: 7, to: 8, kind: "custody", epc: "01/10614141073464/21/1001" });
  });

  it("forward from an item into a transformation: the output is reached", () => {
    const graph = traceEpc(events, ITEM_B, { direction: "forward" });
    expect(positions(graph.nodes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 9]);
    expect(graph.nodes).toContain(events[9]);
    expect(graph.epcs).toContain("01/10614141073464/21/9001");
  });

  it("backward from a transformation output reaches its input's history", () => {
    const graph = traceEpc(events, OUTPUT_Q, { direction: "backward" });
    expect(positions(graph.nodes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 9]);
  });

  it("forward from the pallet reaches the contents and where they went", () => {
    const graph = traceEpc(events, PALLET_P1, { direction: "forward" });
    expect(positions(graph.nodes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(graph.epcs).toContain("01/10614141073464/21/9001");
  });

  it("is the same for any input order and EPC notation", () => {
    const a = traceEpc(events, ITEM_A, { direction: "backward" });
    const b = traceEpc([...events].reverse(), "https://example.com/01/10614141073464/21/1001", {
      direction: "backward",
    });
    expect(b).toEqual(a);
  });

  it("stops at the node limit with a coded error", () => {
    expect(thrownCode(() => traceEpc(events, ITEM_A, { direction: "backward", maxNodes: 3 }))?.code).toBe(
      "EPCIS_TRACE_LIMIT_EXCEEDED",
    );
  });

  it("an unknown EPC gives an empty graph", () => {
    expect(traceEpc(events, "urn:epc:id:sgtin:0614141.107346.4242", { direction: "forward" })).toEqual({
      nodes: [],
      edges: [],
      epcs: [],
    });
  });
});
