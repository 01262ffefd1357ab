import { Context, Contract } from "@citychain/contract-api";
import { StateCache } from "./state-cache.ts";

/**
 * The transaction context of the application contracts: Fabric's context
 * plus the transaction's record cache.
 */
export class AppContext extends Context {
  #state: StateCache | undefined;

  /** The records this transaction reads and writes (created on first use, after the stub is set). */
  get state(): StateCache {
    this.#state ??= new StateCache(this.stub);
    return this.#state;
  }
}

/**
 * Base of the application contracts. Written without decorators: the node
 * runs TypeScript through esbuild, which emits no `design:paramtypes`, so
 * Fabric's rule applies instead — every public method of the concrete class
 * (not starting with `_`) is a transaction taking string arguments. Methods
 * with optional trailing arguments take `...args` (the dispatcher, like
 * Fabric's, insists on the exact count of declared parameters) and check
 * them with `readArgs`.
 */
export class AppContract extends Contract {
  override createContext(): AppContext {
    return new AppContext();
  }

  /** Writes the transaction's pending records once the function has succeeded. */
  override async afterTransaction(ctx: Context, _result: unknown): Promise<void> {
    if (ctx instanceof AppContext) await ctx.state.flush();
  }
}
