/**
 * Named bounds of chaincode bundles and of the contract sandbox. The realm
 * receives the execution bounds at creation (see `realm/boot.ts`), so both
 * sides read the same figures.
 */
import { CONTRACT_BUNDLE_BYTES_MAX } from "@citychain/protocol";

/** Largest encoded bundle: the protocol's limit, which governance uploads also obey. */
export const CHAINCODE_BUNDLE_BYTES_MAX = CONTRACT_BUNDLE_BYTES_MAX;
/** Largest single source file of a bundle, in UTF-8 bytes. */
export const CHAINCODE_FILE_BYTES_MAX = 2 * 1024 * 1024;
/** Most files in one bundle. */
export const CHAINCODE_FILES_MAX = 2_000;
/** Longest relative path of a bundled file, in characters. */
export const CHAINCODE_PATH_CHARS_MAX = 256;
/** Longest `require()` request a resolution map may hold, in characters. */
export const CHAINCODE_REQUEST_CHARS_MAX = 256;

/**
 * Deepest nesting of instrumented calls (functions, methods, generator and
 * async segments, plus large spread arguments, see below). It sits far below
 * V8's own limit (about 9,000 instrumented frames with the default 984 KiB
 * stack), so V8's RangeError, whose depth depends on the frames of the host
 * below the realm, is never what stops a contract.
 */
export const CALL_DEPTH_MAX = 256;
/**
 * Arguments a spread call or `apply` may push per unit of call depth: a call
 * with `n` spread arguments counts `ceil(n / 256)` extra levels while it runs,
 * because those arguments sit on the same machine stack as the frames.
 */
export const SPREAD_ARGS_PER_DEPTH_UNIT = 256;
/**
 * Elements (array slots, string characters, bytes) a bulk builtin may create
 * or scan per tick of budget: a loop iteration costs one tick and moves one
 * element, a native copy moves several in the same time. Kept low because it
 * also bounds memory: a whole budget buys at most 2 × CONTRACT_BUDGET_DEFAULT
 * elements (about 160 MB of array slots), so doubling an array by spreads
 * stops long before a node runs out of memory.
 */
export const BULK_ELEMENTS_PER_TICK = 2;

/** A budget for one invocation that suits most transactions (about 10 to 100 ms of work). */
export const CONTRACT_BUDGET_DEFAULT = 10_000_000;
/** Budget of the chaincode's module initialisation (top-level code of every file), run once per realm. */
export const CHAINCODE_LOAD_BUDGET = 10_000_000;

/**
 * Wall-clock backstop of one `runInContext`. It is not deterministic, so it
 * never decides a result: it only stops the process from hanging if the
 * instrumentation misses a way to run without ticking (see `sandbox.ts`).
 */
export const SANDBOX_TIMEOUT_MS = 2_000;

/** Longest log line a contract may send to the host; longer ones are cut. */
export const CONTRACT_LOG_CHARS_MAX = 4_096;
