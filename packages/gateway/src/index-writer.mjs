// The gateway store's index writer (plain JavaScript, so it loads under tsx, vitest and plain node alike).
// It opens the store's LMDB environment on its own thread (lmdb-js shares one environment between the
// threads of a process) and writes the id index of sealed batches there: one durable transaction per batch,
// keys in id order, so the random inserts of a batch's readings into the index cost the main thread nothing
// but a copy of the ids.
//
// Messages: {op: "index", id, batch, ids, count, idsPerTxn}: ids packed (32 bytes each, leaf i at 32 i),
// written as id -> batch (u64) || slot (u32) for slot i, in transactions of at most idsPerTxn ids (a write
// transaction holds LMDB's one write lock, and the intake's commits wait behind it); answers
// {id, ok, error?} once all are durable. {op: "close"}: closes the environment, answers {closed: true}.
import { parentPort, workerData } from "node:worker_threads";
import { open } from "lmdb";

const HASH_BYTES = 32;
const env = open({ ...workerData.options, path: workerData.path });
const index = env.openDB({ name: "index", keyEncoding: "binary", encoding: "binary", compression: false });

function slotKey(batch, slot) {
  const key = Buffer.allocUnsafe(12);
  key.writeUInt32BE(Math.floor(batch / 2 ** 32), 0);
  key.writeUInt32BE(batch >>> 0, 4);
  key.writeUInt32BE(slot, 8);
  return key;
}

/** Slots in the order of their ids' first 4 bytes (prefix * 2^21 + slot sorts as numbers; slots are below 2^21). */
function orderOf(ids, count) {
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * HASH_BYTES;
    const prefix = ((ids[at] << 24) | (ids[at + 1] << 16) | (ids[at + 2] << 8) | ids[at + 3]) >>> 0;
    keys[i] = prefix * 2 ** 21 + i;
  }
  keys.sort();
  return keys;
}

parentPort.on("message", async (msg) => {
  if (msg.op === "close") {
    await env.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  const { id, batch, ids, count, idsPerTxn } = msg;
  try {
    const order = orderOf(ids, count);
    const buffer = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
    for (let first = 0; first < count; first += idsPerTxn) {
      env.transactionSync(() => {
        for (let i = first; i < Math.min(count, first + idsPerTxn); i++) {
          const slot = order[i] % 2 ** 21;
          index.putSync(buffer.subarray(slot * HASH_BYTES, (slot + 1) * HASH_BYTES), slotKey(batch, slot));
        }
      });
    }
    parentPort.postMessage({ id, ok: true });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: String(e?.message ?? e) });
  }
});
