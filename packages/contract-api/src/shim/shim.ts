/**
 * Fabric's `Shim` statics. `start` and `server` cannot open a connection to
 * a peer here: they register the chaincode, and the dispatcher runs it for
 * each invocation. The registry is per realm, so per sandbox.
 */

import { getLogger, type Logger } from "../logger.ts";
import { RESPONSE_CODE } from "../stub/stub.ts";
import type { ShimChaincode } from "./chaincode-interface.ts";

let started: ShimChaincode | undefined;

/** Fabric's success response. */
export interface SuccessResponse {
  status: 200;
  payload: Uint8Array;
}

/** Fabric's error response. */
export interface ErrorResponse {
  status: 500;
  message: string;
}

/** What `start` returns in place of Fabric's gRPC client. */
export interface StartedChaincode {
  close(): void;
}

/** Fabric's `Shim` class; its statics are also the module's top-level functions. */
export class Shim {
  /** Registers `chaincode` as this module's chaincode. */
  static start(chaincode: ShimChaincode): StartedChaincode {
    checkChaincode(chaincode);
    started = chaincode;
    return { close: () => {} };
  }

  /** Fabric's chaincode-as-a-service entry; `start()` registers the chaincode like `Shim.start`. */
  static server(chaincode: ShimChaincode, _serverOpts?: unknown): { start(): Promise<void> } {
    checkChaincode(chaincode);
    return {
      start: async () => {
        started = chaincode;
      },
    };
  }

  /** `{status: 200, payload}`; an empty payload when none is given. */
  static success(payload?: Uint8Array): SuccessResponse {
    return { status: RESPONSE_CODE.OK, payload: payload ? payload : Buffer.from("") };
  }

  /** `{status: 500, message}`. */
  static error(msg: string): ErrorResponse {
    return { status: RESPONSE_CODE.ERROR, message: msg };
  }

  /** A logger named `name` (default `shim`) writing to the host's log. */
  static newLogger(name?: string): Logger {
    return getLogger(name ? name : "shim");
  }
}

/** The chaincode registered with `start`, if any. */
export function startedChaincode(): ShimChaincode | undefined {
  return started;
}

/** Forgets the registered chaincode; for hosts that reuse one realm for several chaincodes (tests). */
export function clearStartedChaincode(): void {
  started = undefined;
}

function checkChaincode(chaincode: unknown): void {
  if (typeof chaincode !== "object" || chaincode === null) throw new Error("Missing required argument: chaincode");
  const candidate = chaincode as Partial<ShimChaincode>;
  if (typeof candidate.Init !== "function") {
    throw new Error('The "chaincode" argument must implement the "Init()" method');
  }
  if (typeof candidate.Invoke !== "function") {
    throw new Error('The "chaincode" argument must implement the "Invoke()" method');
  }
}
