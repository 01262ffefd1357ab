import { ConsensusCore } from "../core.ts";

/**
 * A deliberately broken core that prevotes for any valid proposal whatever
 * it is locked on. It exists only to show that the simulator's safety checks
 * can fail: with it, honest nodes eventually decide different blocks.
 */
export class LockIgnoringCore extends ConsensusCore {
  protected override lockAllowsPrevote(): boolean {
    return true;
  }
}

/** Names of the core variants the simulator can run. */
export const VARIANTS = ["correct", "ignore-lock"] as const;
export type Variant = (typeof VARIANTS)[number];
