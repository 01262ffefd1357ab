import { Context } from "./context.ts";

/**
 * The base class of every smart contract (Fabric's `Contract`). The name
 * defaults to the class name; functions are called as `Name:fn`, or `fn` for
 * the default contract.
 *
 * The prototype holds exactly Fabric's methods: when a contract has no
 * `@Transaction` decorator, every own method of its class except these (and
 * `_`-prefixed ones) is a transaction, so an extra method here would hide a
 * contract's method of the same name.
 */
export class Contract {
  // `declare` keeps the property order of Fabric's instances (`__isContract`, then `name`),
  // which shows in `GetMetadata`'s `contractInstance`.
  declare readonly __isContract: boolean;
  declare name: string;

  constructor(name?: string) {
    (this as { __isContract: boolean }).__isContract = true;
    this.name = name === undefined || name === null ? this.constructor.name : name.trim();
  }

  /** True for contract instances, also from another copy of this module (Fabric's check). */
  static _isContract(obj: unknown): boolean {
    if (obj instanceof Contract) return true;
    return typeof obj === "object" && obj !== null && Boolean((obj as { __isContract?: unknown }).__isContract);
  }

  /** Called before every transaction function; throw to reject the transaction. */
  async beforeTransaction(_ctx: Context): Promise<void> {}

  /** Called after every transaction function with its result; throw to reject the transaction. */
  async afterTransaction(_ctx: Context, _result: unknown): Promise<void> {}

  /** Calls the transaction function; override to wrap it (call `super.aroundTransaction`). */
  async aroundTransaction(ctx: Context, fn: string, parameters: unknown[]): Promise<unknown> {
    const method = (this as unknown as Record<string, (...args: unknown[]) => unknown>)[fn];
    return method.call(this, ctx, ...parameters);
  }

  /** Called when the requested function is not a transaction of this contract. */
  async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw new Error(`You've asked to invoke a function that does not exist: ${fcn}`);
  }

  /** The context for one transaction; override to use a subclass of `Context`. */
  createContext(): Context {
    return new Context();
  }

  /** The contract's name, the part before `:` in function names. */
  getName(): string {
    return this.name;
  }
}

/** A contract class as a chaincode module exports it (constructed with no arguments). */
export type ContractClass = new () => Contract;
