import {
  MembershipVerifier,
  parseValidatorSetChange,
  ValidatorSchedule,
  type VerifyJob,
  type VerifyPool,
} from "@citychain/crypto";
import { type Ledger, STATE_RANGE_LIMIT_MAX, type StateWrite } from "@citychain/ledger";
import {
  type AppInfo,
  type Application,
  type Block,
  type BlockExecution,
  type BlockHeader,
  blockHash,
  bytesEqual,
  bytesToHex,
  bytesToUtf8,
  type ChainParams,
  type CheckTxOutcome,
  CityChainError,
  type Commit,
  decodeTx,
  ErrorCode,
  type ExecutedEvent,
  encodeBlock,
  encodeCommit,
  encodeRwSet,
  type Genesis,
  type Organisation,
  type PreparedProposal,
  type ProcessProposalOutcome,
  type ProposalRequest,
  type QueryRequest,
  type RwSet,
  resultsRootOf,
  sha256,
  type Tx,
  type TxResult,
  txRootOf,
  type Validator,
  ZERO_HASH,
} from "@citychain/protocol";
import { nextAppHash } from "./app-hash.ts";
import { BoundedMap, BoundedSet } from "./bounded-set.ts";
import { TxContext } from "./contract-context.ts";
import type { BuiltinContract, Caller } from "./contracts/contract.ts";
import { createEvidenceContract } from "./contracts/evidence.ts";
import {
  createGovernanceContract,
  GOVERNANCE_CONTRACT,
  ORGS_CHANGED_EVENT,
  ORGS_KEY,
  PARAMS_CHANGED_EVENT,
  readParams,
} from "./contracts/governance/index.ts";
import { kvContract } from "./contracts/kv.ts";
import { createMembershipContract, MEMBERSHIP_CONTRACT, REVOKED_PREFIX } from "./contracts/membership.ts";
import { tokenContract } from "./contracts/token.ts";
import { VALSET_HISTORY_PREFIX } from "./contracts/validator-set.ts";
import {
  DeployedContracts,
  ExecutionScope,
  type NativeChaincode,
  type PrivateDataContract,
  type SandboxedContract,
  SandboxFault,
} from "./deployed/executor.ts";
import { genesisHashOf } from "./genesis.ts";
import { Overlay } from "./overlay.ts";
import type { PrivateWrite } from "./private/access.ts";
import { type CollectionConfig, collectionOf } from "./private/collections.ts";
import { applyEndorsed } from "./private/endorsed.ts";
import { PrivateDataKeeper, type PrivateDataOptions, type PrivateHashEntry } from "./private/keeper.ts";
import { privateHashStateKey } from "./private/keys.ts";
import { stateKey } from "./state-keys.ts";
import { authorise } from "./tx-auth.ts";

/**
 * How many admitted transactions the application remembers with their
 * verified signers, so executing the node's own mempool transactions needs
 * neither a second signature check nor a second certificate parse.
 */
/** Transactions a proposer leaves out of one block because this node could not run them (sandbox backstop). */
export const PREPARE_FAULTS_MAX = 8;
/**
 * A proposer stops adding transactions to its block once executing them has
 * taken this long: every validator must execute the block again before
 * voting, so a block of slow contract calls (thousands of EPCIS captures)
 * must not outlast the round timeouts and peer liveness checks. The rest
 * stays in the mempool for the next blocks. Not a validity rule: a
 * validator does not time a block it checks.
 */
export const PROPOSAL_EXECUTION_MS_MAX = 1_000;
/** During a block's execution the node yields to its event loop this often. */
export const EXECUTION_YIELD_MS = 50;
export const ADMITTED_TXS_MAX = 500_000;
/** Executed-but-uncommitted blocks kept (one per round in BFT). */
export const EXECUTIONS_CACHED_MAX = 16;
/**
 * Ids of recently committed transactions, kept in memory: the duplicate
 * check must not depend on when a fresh LMDB read snapshot sees the latest
 * commit (a proposer reading a stale snapshot would include a transaction
 * again and every other validator would refuse its block).
 */
export const RECENT_TX_IDS_MAX = 500_000;

export interface AppOptions {
  genesis: Genesis;
  ledger: Ledger;
  verifyPool: VerifyPool;
  /** Extra built-in contracts beyond membership and kv. */
  contracts?: BuiltinContract[];
  /**
   * Loads a contract bundle into the deterministic sandbox. Without it,
   * contracts deployed through governance cannot run (their transactions
   * fail with CONTRACT_NOT_FOUND).
   */
  loadContract?: (bundle: Uint8Array) => SandboxedContract;
  /** Contract-API chaincode compiled into the node (the smart-city applications), by name. */
  nativeChaincodes?: NativeChaincode[];
  /** This node's private data store (collections its organisation belongs to); without it the node keeps none. */
  privateData?: PrivateDataOptions;
  log?: (contract: string, level: "debug" | "info" | "warn" | "error", message: string) => void;
}

interface Execution extends BlockExecution {
  block: Block;
  /** The block's writes over the state it was executed on. */
  overlay: Overlay;
  blockBytes: Uint8Array;
  writes: { txIndex: number; txId: Uint8Array; writes: StateWrite[] }[];
  /** Private writes of the block that this node's organisation keeps (hashes; values come at commit). */
  privateHashes: PrivateHashEntry[];
}

interface Executed {
  included: Tx[];
  results: TxResult[];
  writes: Execution["writes"];
  events: ExecutedEvent[];
  blockOverlay: Overlay;
  privateHashes: PrivateHashEntry[];
  /** Transactions that may not go in this block, with why. */
  invalid: { tx: Tx; code: string; message: string }[];
}

function errorOutcome(e: unknown): { code: string; message: string } {
  if (e instanceof CityChainError) return { code: e.code, message: e.message };
  return { code: ErrorCode.CONTRACT_FAILED, message: `contract threw: ${(e as Error)?.message ?? String(e)}` };
}

/**
 * The first CityChain state machine: membership and the kv sample contract
 * behind the Application boundary. Execution is deterministic: it reads only
 * the block (height, time, transactions) and committed state.
 */
export class CityChainApp implements Application {
  readonly genesis: Genesis;
  readonly genesisHash: Uint8Array;
  /** The validator set of every height: genesis, then each change the chain decided. */
  readonly schedule: ValidatorSchedule;
  readonly membership: MembershipVerifier;
  private readonly ledger: Ledger;
  private readonly pool: VerifyPool;
  private readonly contracts = new Map<string, BuiltinContract>();
  private readonly deployed: DeployedContracts;
  private readonly natives = new Map<string, NativeChaincode>();
  private readonly sandboxEnabled: boolean;
  private readonly keeper: PrivateDataKeeper | undefined;
  /** Chain parameters in force: the genesis values, then each change governance decided (from the next block). */
  private params: ChainParams;
  private readonly privateOptions: PrivateDataOptions | undefined;
  private readonly admitted = new BoundedMap<readonly Caller[]>(ADMITTED_TXS_MAX);
  private readonly recentTxIds = new BoundedSet(RECENT_TX_IDS_MAX);
  private readonly executions = new Map<string, Execution>();
  private last: { height: number; hash: Uint8Array; timeMs: number; appHash: Uint8Array };
  /**
   * The block whose commit is in flight (written but not yet durable). The
   * next block is executed over its overlay, so a producer can build block
   * h+1 while block h is being written (its transaction ids are already in
   * recentTxIds for duplicate checks). At most one: a commit waits for the one before.
   */
  private pending: { height: number; overlay: Overlay; durable: Promise<void> } | undefined;

  /** Reads the state the next block builds on: the pending block's writes, else the ledger. */
  private readonly readLedger = (k: Uint8Array): Uint8Array | undefined => this.ledger.getState(k);

  private newBlockOverlay(): Overlay {
    const under = this.pending?.overlay;
    return under ? new Overlay((k) => under.get(k), under) : new Overlay(this.readLedger);
  }

  private constructor(opts: AppOptions) {
    this.genesis = opts.genesis;
    this.params = opts.genesis.params;
    this.ledger = opts.ledger;
    this.pool = opts.verifyPool;
    this.genesisHash = genesisHashOf(opts.genesis);
    this.schedule = ValidatorSchedule.fromGenesis(opts.genesis);
    this.membership = new MembershipVerifier(opts.genesis.orgs);
    const builtinNames = new Set(["membership", "evidence", "kv", "token", GOVERNANCE_CONTRACT]);
    for (const c of opts.contracts ?? []) builtinNames.add(c.name);
    const builtins = [
      createGovernanceContract({ genesis: opts.genesis, verifier: this.membership, reserved: builtinNames }),
      createMembershipContract(this.membership, opts.genesis),
      createEvidenceContract(opts.genesis.chainId, (h) => this.validatorsAt(h)),
      kvContract,
      tokenContract,
    ];
    for (const c of [...builtins, ...(opts.contracts ?? [])]) {
      this.contracts.set(c.name, c);
    }
    this.last = { height: 0, hash: ZERO_HASH, timeMs: opts.genesis.genesisTimeMs, appHash: sha256(this.genesisHash) };
    this.sandboxEnabled = opts.loadContract !== undefined;
    this.deployed = new DeployedContracts({
      load:
        opts.loadContract ??
        (() => {
          throw new CityChainError(
            { code: ErrorCode.CONTRACT_NOT_FOUND },
            "this node runs without the contract sandbox",
          );
        }),
      chainId: opts.genesis.chainId,
      orgIds: opts.genesis.orgs.map((o) => o.id),
      ledger: opts.ledger,
      log: opts.log,
    });
    this.keeper = opts.privateData ? new PrivateDataKeeper(opts.ledger, opts.privateData) : undefined;
    this.privateOptions = opts.privateData;
    for (const n of opts.nativeChaincodes ?? []) {
      builtinNames.add(n.name);
      this.natives.set(n.name, n);
    }
  }

  /** The chain parameters in force for the next block. */
  chainParams(): ChainParams {
    return this.params;
  }

  private access() {
    return { mode: this.genesis.mode, params: this.params };
  }

  /** A context for reading committed state (and the pending block's writes) as of the next height. */
  private readContext(contract: string): TxContext {
    const base = this.pending?.overlay;
    const overlay = base ? new Overlay((k) => base.get(k), base) : new Overlay(this.readLedger);
    return new TxContext(
      contract,
      new Uint8Array(32),
      this.last.height + 1,
      this.last.timeMs,
      [],
      true,
      overlay,
      this.ledger,
    );
  }

  /** Opens the application over a ledger, binding a new ledger to this genesis. */
  static async open(opts: AppOptions): Promise<CityChainApp> {
    const app = new CityChainApp(opts);
    const stored = opts.ledger.genesisHash();
    if (stored === undefined) {
      await opts.ledger.initGenesis(app.genesisHash, [], app.last.appHash);
    } else if (!bytesEqual(stored, app.genesisHash)) {
      throw new CityChainError(
        { code: ErrorCode.LEDGER_GENESIS_MISMATCH },
        `the ledger belongs to another chain (genesis ${bytesToHex(stored).slice(0, 16)}…, expected ${bytesToHex(app.genesisHash).slice(0, 16)}…); point --home at this chain's node directory`,
      );
    }
    app.reloadLast();
    app.loadValidatorChanges();
    const orgs = opts.ledger.getState(stateKey(GOVERNANCE_CONTRACT, ORGS_KEY));
    if (orgs) app.trustOrgs(JSON.parse(bytesToUtf8(orgs)) as Organisation[]);
    app.params = readParams(app.readContext(GOVERNANCE_CONTRACT), opts.genesis);
    return app;
  }

  /** Trusts exactly these organisations' CAs from now on (governance added or removed one). */
  private trustOrgs(orgs: readonly Organisation[]): void {
    const keep = new Set(orgs.map((o) => o.id));
    for (const id of this.membership.orgIds) if (!keep.has(id)) this.membership.removeOrganisation(id);
    for (const org of orgs) this.membership.addOrganisation(org);
  }

  /** Replays the validator-set changes recorded in committed state (membership `valset/h/…`). */
  private loadValidatorChanges(): void {
    const prefix = stateKey(MEMBERSHIP_CONTRACT, VALSET_HISTORY_PREFIX);
    for (let start: Uint8Array | undefined; ; ) {
      const page = this.ledger.getStateRange({ prefix, start, limit: STATE_RANGE_LIMIT_MAX });
      for (const { value } of page) this.schedule.apply(parseValidatorSetChange(value));
      if (page.length < STATE_RANGE_LIMIT_MAX) return;
      start = Buffer.concat([page[page.length - 1].key, Buffer.of(0)]);
    }
  }

  /** The validators that sign the commit certificate of `height` (known up to two heights past the tip). */
  validatorsAt(height: number): Validator[] {
    return this.schedule.at(height);
  }

  /** Shortcut for the set of the next height. */
  get validators(): Validator[] {
    return this.schedule.at(this.last.height + 1);
  }

  private reloadLast(): void {
    const height = this.ledger.latestHeight();
    if (height === 0) return;
    const block = this.ledger.getBlock(height);
    if (!block)
      throw new CityChainError({ code: ErrorCode.LEDGER_CORRUPT }, `block ${height} is missing from the ledger`);
    this.last = {
      height,
      hash: this.ledger.latestBlockHash() ?? ZERO_HASH,
      timeMs: block.header.timeMs,
      appHash: this.ledger.appHash(),
    };
  }

  info(): AppInfo {
    return {
      chainId: this.genesis.chainId,
      height: this.last.height,
      lastBlockHash: this.last.hash,
      lastBlockTimeMs: this.last.timeMs,
      appHash: this.last.appHash,
      validators: this.validatorsAt(this.last.height + 1),
    };
  }

  private isRevokedCommitted = (fp: string): boolean => {
    const key = stateKey(MEMBERSHIP_CONTRACT, REVOKED_PREFIX + fp);
    return (this.pending ? this.pending.overlay.get(key) : this.ledger.getState(key)) !== undefined;
  };

  /** Checks that do not depend on which block the transaction lands in. */
  private checkStatic(tx: Tx, nextHeight: number): void {
    const { body } = tx;
    if (body.chainId !== this.genesis.chainId) {
      throw new CityChainError(
        { code: ErrorCode.TX_WRONG_CHAIN },
        `transaction is for chain '${body.chainId}' but this node runs '${this.genesis.chainId}'`,
      );
    }
    if (body.expiresAt < nextHeight) {
      throw new CityChainError(
        { code: ErrorCode.TX_EXPIRED },
        `transaction expired at height ${body.expiresAt}; the chain is at ${nextHeight - 1}. Build it again with a later expiry`,
      );
    }
    const latest = nextHeight + this.params.txExpiryWindowMax;
    if (body.expiresAt > latest) {
      throw new CityChainError(
        { code: ErrorCode.TX_EXPIRY_TOO_FAR },
        `expiry height ${body.expiresAt} is too far ahead; the latest allowed now is ${latest}`,
      );
    }
    const contract = this.contracts.get(body.contract);
    // Deployed and native contracts check their functions when they run, as Fabric's dispatcher does.
    if (!contract && !this.natives.has(body.contract) && !this.deployedDefinition(this.readContext(body.contract))) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_NOT_FOUND },
        `no contract named '${body.contract}' is deployed; known: ${this.contractNames().join(", ")}`,
      );
    }
    if (contract && !(body.fn in contract.invoke) && !(body.fn in contract.query)) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_FUNCTION_NOT_FOUND },
        `contract '${body.contract}' has no function '${body.fn}'; it has ${[...Object.keys(contract.invoke), ...Object.keys(contract.query)].join(", ")}`,
      );
    }
    if (this.recentTxIds.has(tx.idHex) || this.ledger.getTxLocation(tx.id) !== undefined) {
      throw new CityChainError({ code: ErrorCode.TX_DUPLICATE }, `transaction ${tx.idHex} is already on chain`);
    }
  }

  async checkTxs(txs: Uint8Array[], opts: { timeMs?: number } = {}): Promise<CheckTxOutcome[]> {
    const timeMs = opts.timeMs ?? this.last.timeMs;
    const nextHeight = this.last.height + 1;
    const outcomes: CheckTxOutcome[] = new Array(txs.length);
    const jobs: VerifyJob[] = [];
    const jobOwner: number[] = [];
    const decoded: (Tx | undefined)[] = new Array(txs.length);
    const callersOf: Caller[][] = new Array(txs.length);
    for (let i = 0; i < txs.length; i++) {
      try {
        const tx = decodeTx(txs[i], this.params.txBytesMax);
        this.checkStatic(tx, nextHeight);
        const auth = authorise(tx, this.access(), this.membership, timeMs, this.isRevokedCommitted);
        decoded[i] = tx;
        callersOf[i] = auth.callers;
        for (const j of auth.jobs) {
          jobs.push(j);
          jobOwner.push(i);
        }
      } catch (e) {
        outcomes[i] = { ok: false, ...errorOutcome(e) };
      }
    }
    const verdicts = jobs.length > 0 ? await this.pool.verifyBatch(jobs) : [];
    const bad = new Set<number>();
    verdicts.forEach((ok, k) => {
      if (!ok) bad.add(jobOwner[k]);
    });
    for (let i = 0; i < txs.length; i++) {
      const tx = decoded[i];
      if (!tx) continue;
      if (bad.has(i)) {
        outcomes[i] = {
          ok: false,
          code: ErrorCode.TX_SIGNATURE_INVALID,
          message:
            "a signature does not verify against its signer's key; sign the transaction id again with the right key",
        };
      } else {
        this.admitted.set(tx.idHex, callersOf[i]);
        outcomes[i] = { ok: true, tx };
      }
    }
    return outcomes;
  }

  /** Verifies signatures of transactions this node has not verified yet; returns the ids that fail. */
  private async verifyUnseen(txs: Tx[], timeMs: number): Promise<Set<number>> {
    const jobs: VerifyJob[] = [];
    const owner: number[] = [];
    const failed = new Set<number>();
    const callersOf = new Map<number, Caller[]>();
    txs.forEach((tx, i) => {
      if (this.admitted.has(tx.idHex)) return;
      try {
        const auth = authorise(tx, this.access(), this.membership, timeMs, () => false);
        callersOf.set(i, auth.callers);
        for (const j of auth.jobs) {
          jobs.push(j);
          owner.push(i);
        }
      } catch {
        // Authorisation is re-checked with block state during execution; it reports the error there.
      }
    });
    if (jobs.length === 0) return failed;
    const verdicts = await this.pool.verifyBatch(jobs);
    verdicts.forEach((ok, k) => {
      if (!ok) failed.add(owner[k]);
    });
    for (const [i, callers] of callersOf) if (!failed.has(i)) this.admitted.set(txs[i].idHex, callers);
    return failed;
  }

  /**
   * Runs transactions against committed state as block `height` at `timeMs`.
   * Transactions that may not be in this block at all (expired, duplicate,
   * bad signer) are listed as invalid and not executed; the others run, and
   * a failing one is recorded with its code and changes nothing.
   */
  private async execute(
    height: number,
    timeMs: number,
    txs: Tx[],
    bytesMax: number,
    txsMax: number,
    /** Proposals only: stop taking transactions once executing has taken this long (see PROPOSAL_EXECUTION_MS_MAX). */
    executionMsMax = Number.POSITIVE_INFINITY,
  ): Promise<Executed> {
    const tipBefore = this.last.height;
    const startedMs = performance.now();
    let yieldedMs = startedMs;
    const badSigs = await this.verifyUnseen(txs, timeMs);
    if (this.last.height !== tipBefore) {
      // Another path (block sync) committed while signatures were checked: this execution would be stale.
      throw new CityChainError(
        { code: ErrorCode.BLOCK_HEIGHT_MISMATCH },
        `the chain moved from height ${tipBefore} to ${this.last.height} while block ${height} was being checked`,
      );
    }
    const blockOverlay = this.newBlockOverlay();
    const scope = new ExecutionScope();
    const out: Executed = {
      included: [],
      results: [],
      writes: [],
      events: [],
      blockOverlay,
      privateHashes: [],
      invalid: [],
    };
    const seen = new Set<string>();
    let bytes = 0;
    const isRevoked = (fp: string) =>
      blockOverlay.get(stateKey(MEMBERSHIP_CONTRACT, REVOKED_PREFIX + fp)) !== undefined;
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i];
      if (out.included.length >= txsMax || bytes + tx.bytes.length > bytesMax) break;
      const nowMs = performance.now();
      if (out.included.length > 0 && nowMs - startedMs > executionMsMax) break;
      // Let the node breathe (p2p pings, votes, API) during a long block; a commit that slips in
      // meanwhile makes this execution stale, which the check after the loop catches.
      if (nowMs - yieldedMs > EXECUTION_YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        yieldedMs = performance.now();
      }
      const idHex = tx.idHex;
      let callers: Caller[];
      try {
        if (badSigs.has(i)) {
          throw new CityChainError({ code: ErrorCode.TX_SIGNATURE_INVALID }, "a signature does not verify");
        }
        if (seen.has(idHex))
          throw new CityChainError({ code: ErrorCode.TX_DUPLICATE }, `transaction ${idHex} repeats in the block`);
        this.checkStatic(tx, height);
        const known = this.admitted.get(idHex);
        // Key-only callers are checked again: governance may have closed the contract to them meanwhile.
        callers = known?.every((c) => c.kind === "member")
          ? known.map((c) =>
              c.kind === "member"
                ? { kind: "member", identity: this.membership.revalidate(c.identity, timeMs, isRevoked) }
                : c,
            )
          : authorise(tx, this.access(), this.membership, timeMs, isRevoked).callers;
      } catch (e) {
        out.invalid.push({ tx, ...errorOutcome(e) });
        continue;
      }
      seen.add(idHex);
      bytes += tx.bytes.length;
      const txIndex = out.included.length;
      out.included.push(tx);
      const txOverlay = new Overlay((k) => blockOverlay.get(k), blockOverlay);
      const ctx = new TxContext(tx.body.contract, tx.id, height, timeMs, callers, false, txOverlay, this.ledger);
      try {
        const returnValue = tx.endorsed
          ? this.applyEndorsedTx(ctx, tx, timeMs, isRevoked, out.privateHashes)
          : await this.call(scope, ctx, tx.body.fn, tx.body.args);
        txOverlay.mergeInto(blockOverlay);
        out.results.push({ code: "OK", message: "", returnValue, events: ctx.events });
        out.writes.push({ txIndex, txId: tx.id, writes: txOverlay.list() });
        for (const ev of ctx.events) out.events.push({ ...ev, height, txIndex, txId: tx.id });
      } catch (e) {
        // This node could not run the contract: no result may be recorded; the block is not executed here.
        if (e instanceof SandboxFault) {
          e.tx = tx;
          throw e;
        }
        out.results.push({ ...errorOutcome(e), returnValue: new Uint8Array(0), events: [] });
      }
    }
    // Native contracts are awaited: if another path committed meanwhile, this execution is stale.
    if (this.last.height !== tipBefore) {
      throw new CityChainError(
        { code: ErrorCode.BLOCK_HEIGHT_MISMATCH },
        `the chain moved from height ${tipBefore} to ${this.last.height} while block ${height} was being executed`,
      );
    }
    return out;
  }

  private remember(header: BlockHeader, block: Block, executed: Executed): Execution {
    const hash = blockHash(header);
    const execution: Execution = {
      header,
      blockHash: hash,
      block,
      overlay: executed.blockOverlay,
      blockBytes: encodeBlock(block),
      txIds: executed.included.map((t) => t.id),
      results: executed.results,
      appHashAfter: nextAppHash(this.last.appHash, executed.blockOverlay.sorted()),
      events: executed.events,
      writes: executed.writes,
      privateHashes: executed.privateHashes,
    };
    if (this.executions.size >= EXECUTIONS_CACHED_MAX) {
      const oldest = this.executions.keys().next().value;
      if (oldest !== undefined) this.executions.delete(oldest);
    }
    this.executions.set(bytesToHex(hash), execution);
    return execution;
  }

  async prepareProposal(req: ProposalRequest): Promise<PreparedProposal> {
    const p = this.params;
    // A transaction this node cannot run (the sandbox's wall-clock backstop) is
    // left out and the block prepared again without it, on a fresh realm, so
    // one such transaction cannot stop the chain.
    let candidates = req.txs;
    const faulted: { idHex: string; code: string; message: string }[] = [];
    let executed: Executed;
    for (;;) {
      try {
        // Leave room for the header and framing in the byte budget.
        executed = await this.execute(
          req.height,
          req.timeMs,
          candidates,
          p.blockBytesMax - 1024,
          p.blockTxsMax,
          PROPOSAL_EXECUTION_MS_MAX,
        );
        break;
      } catch (e) {
        if (!(e instanceof SandboxFault) || e.tx === undefined || faulted.length >= PREPARE_FAULTS_MAX) throw e;
        const bad = e.tx;
        faulted.push({ idHex: bad.idHex, code: e.code, message: `this node could not run it: ${e.message}` });
        candidates = candidates.filter((t) => t !== bad);
      }
    }
    const txs = executed.included.map((t) => t.bytes);
    const header: BlockHeader = {
      chainId: this.genesis.chainId,
      height: req.height,
      timeMs: req.timeMs,
      prevHash: req.prevHash,
      txRoot: txRootOf(txs),
      resultsRoot: resultsRootOf(executed.results),
      appHash: this.last.appHash,
      validatorsHash: this.schedule.hashAt(req.height),
      proposer: req.proposer,
    };
    const block = { header, txs };
    this.remember(header, block, executed);
    const dropped = executed.invalid.map((d) => ({ idHex: d.tx.idHex, code: d.code, message: d.message }));
    return { block, dropped: [...dropped, ...faulted] };
  }

  async processProposal(block: Block): Promise<ProcessProposalOutcome> {
    try {
      await this.executeForeign(block);
      return { accept: true };
    } catch (e) {
      const { code, message } = errorOutcome(e);
      return { accept: false, code, reason: message };
    }
  }

  /** Re-executes a block someone else built and checks every field this application owns. */
  private async executeForeign(block: Block): Promise<Execution> {
    const h = block.header;
    const reject = (code: string, message: string): never => {
      throw new CityChainError({ code }, `block ${h.height}: ${message}`);
    };
    if (h.chainId !== this.genesis.chainId) reject(ErrorCode.BLOCK_CHAIN_ID_MISMATCH, `chain id '${h.chainId}'`);
    if (h.height !== this.last.height + 1)
      reject(ErrorCode.BLOCK_HEIGHT_MISMATCH, `expected height ${this.last.height + 1}`);
    if (!bytesEqual(h.prevHash, this.last.hash))
      reject(ErrorCode.BLOCK_PREV_HASH_MISMATCH, "previous hash does not link");
    if (h.timeMs <= this.last.timeMs) reject(ErrorCode.BLOCK_TIME_INVALID, "time does not advance");
    if (!bytesEqual(h.appHash, this.last.appHash))
      reject(ErrorCode.BLOCK_APP_HASH_MISMATCH, "app hash differs from ours");
    if (!bytesEqual(h.validatorsHash, this.schedule.hashAt(h.height))) {
      reject(ErrorCode.BLOCK_VALIDATORS_HASH_MISMATCH, "validator set differs from ours");
    }
    const p = this.params;
    if (block.txs.length > p.blockTxsMax) reject(ErrorCode.BLOCK_TOO_LARGE, `${block.txs.length} transactions`);
    const txs: Tx[] = [];
    for (const [i, bytes] of block.txs.entries()) {
      try {
        txs.push(decodeTx(bytes, p.txBytesMax));
      } catch (e) {
        reject(ErrorCode.BLOCK_TX_INVALID, `transaction ${i} does not decode: ${(e as Error).message}`);
      }
    }
    const executed = await this.execute(h.height, h.timeMs, txs, p.blockBytesMax, p.blockTxsMax);
    if (executed.invalid.length > 0) {
      const first = executed.invalid[0];
      reject(
        ErrorCode.BLOCK_TX_INVALID,
        `transaction ${first.tx.idHex} may not be included: ${first.code}: ${first.message}`,
      );
    }
    if (executed.included.length !== txs.length) reject(ErrorCode.BLOCK_TOO_LARGE, "over the block byte limit");
    if (!bytesEqual(txRootOf(block.txs), h.txRoot)) reject(ErrorCode.BLOCK_TX_ROOT_MISMATCH, "transactions root");
    if (!bytesEqual(resultsRootOf(executed.results), h.resultsRoot)) {
      reject(ErrorCode.BLOCK_RESULTS_ROOT_MISMATCH, "results root differs from our execution");
    }
    return this.remember(h, block, executed);
  }

  async finalizeBlock(block: Block): Promise<BlockExecution> {
    const cached = this.executions.get(bytesToHex(blockHash(block.header)));
    if (cached) return cached;
    return this.executeForeign(block);
  }

  /**
   * Persists the block. From the moment it is called (synchronously), the
   * block is the tip: info() and the next proposal build on it. The promise
   * resolves once the block is durable in the ledger; only then may its
   * transactions be acknowledged.
   */
  async commit(block: Block, commit: Commit, execution: BlockExecution): Promise<void> {
    const ex = this.executions.get(bytesToHex(execution.blockHash));
    if (!ex || (ex.block !== block && !bytesEqual(blockHash(block.header), ex.blockHash))) {
      throw new CityChainError(
        { code: ErrorCode.INTERNAL },
        "commit of a block that was not finalized by this application",
      );
    }
    if (!bytesEqual(commit.blockHash, ex.blockHash) || commit.height !== ex.header.height) {
      throw new CityChainError(
        { code: ErrorCode.COMMIT_BLOCK_HASH_MISMATCH },
        "commit certificate is for another block",
      );
    }
    if (ex.header.height !== this.last.height + 1) {
      throw new CityChainError(
        { code: ErrorCode.BLOCK_HEIGHT_MISMATCH },
        `commit of block ${ex.header.height} after ${this.last.height}`,
      );
    }
    const previous = this.pending;
    const privateData = this.keeper?.writesForBlock(ex.header.height, ex.privateHashes, (c) => this.collections(c));
    const write = async () => {
      if (previous) await previous.durable;
      await this.ledger.commitBlock({
        ...(privateData && privateData.writes.length > 0 ? { privateWrites: privateData.writes } : {}),
        height: ex.header.height,
        blockBytes: ex.blockBytes,
        blockHash: ex.blockHash,
        commitBytes: encodeCommit(commit),
        txIds: ex.txIds,
        results: ex.results,
        writes: ex.writes,
        appHash: ex.appHashAfter,
        timeMs: ex.header.timeMs,
      });
    };
    const entry = { height: ex.header.height, overlay: ex.overlay, durable: write() };
    this.pending = entry;
    this.last = { height: ex.header.height, hash: ex.blockHash, timeMs: ex.header.timeMs, appHash: ex.appHashAfter };
    // A change decided here governs height+2: known before consensus on height+1 even starts.
    this.schedule.applyResults(ex.results);
    // Organisations governance added or removed are trusted (or not) from the next block on.
    for (const r of ex.results) {
      if (r.code !== "OK") continue;
      for (const e of r.events) {
        if (e.contract === GOVERNANCE_CONTRACT && e.name === ORGS_CHANGED_EVENT) {
          this.trustOrgs(JSON.parse(bytesToUtf8(e.payload)) as Organisation[]);
        }
        if (e.contract === GOVERNANCE_CONTRACT && e.name === PARAMS_CHANGED_EVENT) {
          this.params = { ...this.params, ...(JSON.parse(bytesToUtf8(e.payload)) as Partial<ChainParams>) };
        }
      }
    }
    this.executions.clear();
    for (const id of ex.txIds) {
      const hex = bytesToHex(id);
      this.admitted.delete(hex);
      this.recentTxIds.add(hex);
    }
    try {
      await entry.durable;
      for (const [txIdHex, missing] of privateData?.missing ?? []) this.privateOptions?.onMissing?.(txIdHex, missing);
    } finally {
      // Durable now (or failed, and the node stops): later blocks read its writes from the ledger.
      ex.overlay.rebase(this.readLedger);
      if (this.pending === entry) this.pending = undefined;
    }
  }

  /**
   * Runs one contract function in a context: a built-in contract's function,
   * or a deployed contract in the execution's sandbox realm. Throws the
   * function's coded error; the caller discards the context's writes then.
   */
  private deployedDefinition(ctx: TxContext) {
    return this.sandboxEnabled ? this.deployed.definition(ctx, ctx.contract) : undefined;
  }

  private async call(scope: ExecutionScope, ctx: TxContext, fn: string, args: string[]): Promise<Uint8Array> {
    const builtin = this.contracts.get(ctx.contract);
    if (builtin) {
      const f = builtin.invoke[fn] ?? builtin.query[fn];
      if (!f) {
        throw new CityChainError(
          { code: ErrorCode.CONTRACT_FUNCTION_NOT_FOUND },
          `contract '${ctx.contract}' has no function '${fn}'`,
        );
      }
      return f(ctx, args);
    }
    const native = this.natives.get(ctx.contract);
    if (native) return this.deployed.runNative(scope, ctx, native, fn, args);
    const def = this.deployedDefinition(ctx);
    if (!def) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_NOT_FOUND },
        `no contract named '${ctx.contract}' is deployed at height ${ctx.height}`,
      );
    }
    return this.deployed.run(scope, ctx, def, fn, args);
  }

  async query(req: QueryRequest): Promise<Uint8Array> {
    if (
      !this.contracts.has(req.contract) &&
      !this.natives.has(req.contract) &&
      !this.deployedDefinition(this.readContext(req.contract))
    ) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_NOT_FOUND },
        `no contract named '${req.contract}' is deployed; known: ${this.contractNames().join(", ")}`,
      );
    }
    // Writes of an evaluated call are discarded, as with Fabric's evaluateTransaction; reads see durable state.
    const overlay = new Overlay((k) => this.ledger.getState(k));
    const ctx = new TxContext(
      req.contract,
      new Uint8Array(32),
      this.last.height,
      this.last.timeMs,
      req.callerCert
        ? [
            {
              kind: "member",
              identity: this.membership.validate(req.callerCert, this.last.timeMs, this.isRevokedCommitted),
            },
          ]
        : [],
      true,
      overlay,
      this.ledger,
    );
    const scope = new ExecutionScope(
      "query",
      this.keeper && { orgId: this.keeper.orgId, store: this.keeper.store },
      req.transient ?? [],
    );
    return this.call(scope, ctx, req.fn, req.args);
  }

  // ---- private data collections ----

  /** The collections of a deployed contract, as in force at the next height. */
  collections(contract: string): readonly CollectionConfig[] {
    return this.privateDataContract(this.readContext(contract))?.collections ?? [];
  }

  /** The deployed or native contract a context belongs to, as private data handling sees it. */
  private privateDataContract(ctx: TxContext): PrivateDataContract | undefined {
    const native = this.natives.get(ctx.contract);
    return native ? this.deployed.nativeDefinition(ctx, native) : this.deployedDefinition(ctx);
  }

  /** Executes an endorsed transaction (see applyEndorsed) and notes the private writes this node keeps. */
  private applyEndorsedTx(
    ctx: TxContext,
    tx: Tx,
    timeMs: number,
    isRevoked: (fp: string) => boolean,
    held: PrivateHashEntry[],
  ): Uint8Array {
    const def = this.privateDataContract(ctx);
    if (!def) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_NOT_FOUND },
        `no contract named '${ctx.contract}' is deployed at height ${ctx.height}; only deployed and application contracts take endorsed transactions`,
      );
    }
    const returnValue = applyEndorsed(ctx, tx, def, {
      membership: this.membership,
      timeMs,
      isRevoked,
      orgIds: this.deployed.orgIdsAt(ctx),
    });
    if (this.keeper) held.push(...this.keeper.heldHashes(tx, def));
    return returnValue;
  }

  /**
   * Simulates a transaction on this node, a member of the collections it
   * touches, over durable state, with its transient data: what an endorsing
   * node does before signing. Returns the read-write set (hashes only for
   * private data) and the private writes to push to the other member nodes.
   * Throws the transaction's check failure or the contract's coded failure.
   */
  async simulate(
    txBytes: Uint8Array,
    transient: ReadonlyArray<readonly [string, Uint8Array]>,
  ): Promise<{ tx: Tx; rwset: RwSet; rwsetBytes: Uint8Array; privateWrites: PrivateWrite[] }> {
    if (!this.keeper) {
      throw new CityChainError(
        { code: ErrorCode.PRIVATE_DATA_NOT_MEMBER },
        "this node keeps no private data and cannot endorse; send the transaction to a member organisation's node",
      );
    }
    const [checked] = await this.checkTxs([txBytes]);
    if (!checked.ok) throw new CityChainError({ code: checked.code }, checked.message);
    const tx = checked.tx;
    if (tx.endorsed) {
      throw new CityChainError(
        { code: ErrorCode.TX_ENDORSEMENT_INVALID },
        "the transaction is endorsed already; send it without its endorsement",
      );
    }
    const reads = new Map<string, { key: Uint8Array; hash: Uint8Array | null }>();
    const overlay = new Overlay((k) => {
      const v = this.ledger.getState(k);
      const id = Buffer.from(k).toString("latin1");
      if (!reads.has(id)) reads.set(id, { key: k, hash: v === undefined ? null : sha256(v) });
      return v;
    });
    const ctx = new TxContext(
      tx.body.contract,
      tx.id,
      this.last.height + 1,
      this.last.timeMs,
      this.admitted.get(tx.idHex) ?? [],
      false,
      overlay,
      this.ledger,
    );
    if (!this.privateDataContract(ctx)) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_NOT_FOUND },
        `'${tx.body.contract}' is not a deployed or application contract; only their transactions are endorsed (submit others directly)`,
      );
    }
    const scope = new ExecutionScope("simulate", { orgId: this.keeper.orgId, store: this.keeper.store }, transient);
    const returnValue = await this.call(scope, ctx, tx.body.fn, tx.body.args);
    const rwset: RwSet = {
      reads: [...reads.values()],
      writes: overlay.list().map((w) => ({ key: w.key, value: w.value })),
      events: ctx.events.map((e) => ({ name: e.name, payload: e.payload })),
      returnValue,
    };
    return { tx, rwset, rwsetBytes: encodeRwSet(rwset), privateWrites: [...scope.privateWrites.values()] };
  }

  /** The hash of a private key's value as committed (anyone may check a value they are shown against it). */
  privateDataHash(contract: string, collection: string, key: string): Uint8Array | undefined {
    collectionOf(this.collections(contract), contract, collection);
    return this.ledger.getState(privateHashStateKey(contract, collection, key));
  }

  /** Stores private values that arrived after their block (each checked against the hash on chain); returns how many. */
  async reconcilePrivate(values: readonly PrivateWrite[]): Promise<number> {
    if (!this.keeper) return 0;
    const writes = this.keeper.reconcileWrites(
      values,
      this.ledger.latestHeight(),
      (c) => this.collections(c),
      (c, coll, key) => this.ledger.getState(privateHashStateKey(c, coll, key)),
    );
    if (writes.length > 0) await this.ledger.putPrivate(writes);
    return writes.filter((w) => w.value !== null && w.value.length > 0).length;
  }

  /** Names of the contracts this application runs: built-in ones, then those deployed through governance. */
  contractNames(): string[] {
    const deployed = this.readContext(GOVERNANCE_CONTRACT)
      .listState("contract/", 1_000)
      .map((e) => e.key.slice("contract/".length));
    return [...this.contracts.keys(), ...this.natives.keys(), ...deployed];
  }
}
