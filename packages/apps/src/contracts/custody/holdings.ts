import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";

/**
 * How many registered items of a batch each organisation holds, kept up to
 * date on every custody change (holding [batchKey, org] → {units}). A
 * recall reads this small index — bounded by the number of organisations —
 * to notify every current holder without visiting a single item.
 */
export interface Holding {
  units: number;
}

function holdingKey(state: StateCache, batchKey: string, org: string): string {
  return state.key(KeyType.holding, [batchKey, org]);
}

/** Adds `delta` items of `batchKey` to what `org` holds (the key disappears at zero). */
export async function addHolding(state: StateCache, batchKey: string, org: string, delta: number): Promise<void> {
  if (delta === 0) return;
  const key = holdingKey(state, batchKey, org);
  const units = ((await state.get<Holding>(key))?.units ?? 0) + delta;
  if (units < 0) throw new Error(`invariant violated: ${org} would hold ${units} items of ${batchKey}`);
  if (units === 0) state.delete(key);
  else state.put(key, { units } satisfies Holding);
}

/** Moves the items of `contents` (by batch) from one organisation to another. */
export async function moveHoldings(
  state: StateCache,
  contents: Record<string, number>,
  fromOrg: string,
  toOrg: string,
): Promise<void> {
  if (fromOrg === toOrg) return;
  for (const [batchKey, units] of Object.entries(contents)) {
    await addHolding(state, batchKey, fromOrg, -units);
    await addHolding(state, batchKey, toOrg, units);
  }
}

/** The organisations holding items of a batch now, in organisation-id order, at most `max`. */
export async function holdersOf(
  state: StateCache,
  batchKey: string,
  max: number,
): Promise<Array<{ org: string; units: number }>> {
  const page = await state.page<Holding>(KeyType.holding, [batchKey], max);
  return page.entries.map((entry) => ({ org: entry.attributes[1], units: entry.value.units }));
}
