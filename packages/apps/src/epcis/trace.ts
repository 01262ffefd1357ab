import { ErrorCode } from "@citychain/protocol";
import { epcCanonicalKey } from "../gs1/epc-key.ts";
import { gs1Error } from "../gs1/gs1-error.ts";
import { containmentWindows } from "./containment.ts";
import { epcKeyMatches, eventEpcKeys } from "./event-epcs.ts";
import { compareEvents } from "./order.ts";
import type { EpcisEvent } from "./types.ts";

/** Default bound on the events one trace may return. */
export const TRACE_NODES_MAX = 10_000;

/** How the later event of an edge was reached from the earlier one. */
export type TraceEdgeKind = "custody" | "aggregation" | "transformation";

/** An edge between two trace nodes, always from the earlier event to the later one. */
export interface TraceEdge {
  from: number;
  to: number;
  kind: TraceEdgeKind;
  /** Canonical key of the EPC the edge follows. */
  epc: string;
}

/** The events of a trace in time order (eventTime, eventID), the edges between them, and the EPCs reached. */
export interface TraceGraph {
  nodes: EpcisEvent[];
  edges: TraceEdge[];
  epcs: string[];
}

export interface TraceOptions {
  direction: "backward" | "forward";
  /** Most events in the result (default TRACE_NODES_MAX); more throws EPCIS_TRACE_LIMIT_EXCEEDED. */
  maxNodes?: number;
}

/** A key whose events between positions lo and hi (inclusive) belong to the trace. */
interface State {
  key: string;
  lo: number;
  hi: number;
  /** The event that led here and how, for the connecting edge. */
  via?: { position: number; kind: TraceEdgeKind };
  /**
   * Reached by going up from a child to its parent: the parent's other
   * contents are not part of the child's story, so only go further up.
   */
  upOnly?: boolean;
}

class TraceBuilder {
  private readonly positionsOf = new Map<string, number[]>();
  private readonly nodes = new Set<number>();
  private readonly edges = new Map<string, TraceEdge>();
  private readonly seen = new Set<string>();
  private readonly queue: State[] = [];
  private readonly windows;
  private readonly keys;

  constructor(
    private readonly sorted: readonly EpcisEvent[],
    private readonly forward: boolean,
    private readonly maxNodes: number,
  ) {
    this.keys = sorted.map(eventEpcKeys);
    this.keys.forEach((k, q) => {
      for (const key of new Set(Object.values(k).flat())) {
        const list = this.positionsOf.get(key) ?? [];
        list.push(q);
        this.positionsOf.set(key, list);
      }
    });
    this.windows = containmentWindows(sorted);
  }

  allKeys(): string[] {
    return [...this.positionsOf.keys()].sort();
  }

  push(state: State): void {
    if (state.lo > state.hi) return;
    const id = `${state.key}|${state.lo}|${state.hi}|${state.via?.position ?? ""}|${state.upOnly === true}`;
    if (this.seen.has(id)) return;
    if (this.seen.size >= this.maxNodes * 16) throw limitError(this.maxNodes, "trace states");
    this.seen.add(id);
    this.queue.push(state);
  }

  private addNode(q: number): void {
    if (this.nodes.has(q)) return;
    if (this.nodes.size >= this.maxNodes) throw limitError(this.maxNodes, "events");
    this.nodes.add(q);
  }

  private addEdge(a: number, b: number, kind: TraceEdgeKind, epc: string): void {
    if (a === b) return;
    const [from, to] = a < b ? [a, b] : [b, a];
    const id = `${from}|${to}|${kind}|${epc}`;
    if (!this.edges.has(id)) this.edges.set(id, { from, to, kind, epc });
  }

  run(): { positions: number[]; edges: TraceEdge[]; epcs: string[] } {
    const epcs = new Set<string>();
    for (let i = 0; i < this.queue.length; i++) {
      const s = this.queue[i];
      epcs.add(s.key);
      const positions = (this.positionsOf.get(s.key) ?? []).filter((q) => q >= s.lo && q <= s.hi);
      if (positions.length === 0) continue;
      positions.forEach((q, j) => {
        this.addNode(q);
        if (j > 0) this.addEdge(positions[j - 1], q, "custody", s.key);
      });
      if (s.via !== undefined) {
        const nearest = this.forward ? positions[0] : positions[positions.length - 1];
        this.addEdge(s.via.position, nearest, s.via.kind, s.key);
      }
      for (const q of positions) this.expandTransformation(s, q);
      this.expandContainment(s, positions);
    }
    const positions = [...this.nodes].sort((a, b) => a - b);
    return { positions, edges: [...this.edges.values()], epcs: [...epcs].sort() };
  }

  /** Follows a transformation at q from inputs to outputs (forward) or back. */
  private expandTransformation(s: State, q: number): void {
    const k = this.keys[q];
    const end = this.sorted.length - 1;
    const from = this.forward ? k.inputEPCList : k.outputEPCList;
    const to = this.forward ? k.outputEPCList : k.inputEPCList;
    if (from.includes(s.key)) {
      for (const key of to) {
        this.push(
          this.forward
            ? { key, lo: q, hi: end, via: { position: q, kind: "transformation" } }
            : { key, lo: 0, hi: q, via: { position: q, kind: "transformation" } },
        );
      }
    }
  }

  /** Follows containment windows of the state's key that overlap its range. */
  private expandContainment(s: State, positions: number[]): void {
    const end = this.sorted.length - 1;
    for (const w of this.windows) {
      if (w.child !== s.key && (w.parent !== s.key || s.upOnly === true)) continue;
      const lo = Math.max(w.start, s.lo);
      const hi = Math.min(w.end, s.hi);
      if (lo > hi) continue;
      // The aggregation event itself when it is in range, else the key's first event inside the window.
      const at = w.start >= s.lo ? w.start : positions.find((q) => q >= lo && q <= hi);
      const via = at === undefined ? undefined : { position: at, kind: "aggregation" as const };
      if (w.child === s.key) this.push({ key: w.parent, lo, hi, via, upOnly: true });
      else this.push({ key: w.child, ...(this.forward ? { lo, hi: end } : { lo: 0, hi }), via });
    }
  }
}

function limitError(max: number, what: string): Error {
  return gs1Error(
    ErrorCode.EPCIS_TRACE_LIMIT_EXCEEDED,
    "trace",
    `more than ${max} ${what}; narrow the query or raise maxNodes`,
  );
}

/**
 * Backward (where did it come from) or forward (where did it go) trace of an
 * EPC through validated events: custody (the same EPC in earlier or later
 * events), aggregation (while an item is inside a case or pallet it moves
 * with it, at every level; the contents of a parent belong to its trace) and
 * transformation (inputs to outputs). An EPC naming a whole GTIN matches
 * every instance of it. Deterministic: nodes in eventTime/eventID order,
 * edges sorted. Bounded by `maxNodes`, with EPCIS_TRACE_LIMIT_EXCEEDED.
 */
export function traceEpc(events: readonly EpcisEvent[], epc: string, options: TraceOptions): TraceGraph {
  const maxNodes = options.maxNodes ?? TRACE_NODES_MAX;
  const order = events.map((event, index) => ({ event, index })).sort(compareEvents);
  const sorted = order.map((o) => o.event);
  const builder = new TraceBuilder(sorted, options.direction === "forward", maxNodes);
  const start = epcCanonicalKey(epc);
  for (const key of builder.allKeys()) {
    if (epcKeyMatches(key, start)) builder.push({ key, lo: 0, hi: sorted.length - 1 });
  }
  const { positions, edges, epcs } = builder.run();
  const nodeOf = new Map(positions.map((q, i) => [q, i]));
  const mapped = edges
    .map((e) => ({ ...e, from: nodeOf.get(e.from) as number, to: nodeOf.get(e.to) as number }))
    .sort(
      (a, b) =>
        a.from - b.from || a.to - b.to || a.kind.localeCompare(b.kind) || (a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : 0),
    );
  return { nodes: positions.map((q) => sorted[q]), edges: mapped, epcs };
}
