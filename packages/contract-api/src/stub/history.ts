import { bufferFromHost } from "../bytes.ts";
import { ContractApiError, ContractErrorCode } from "../errors.ts";
import type { ContractHost } from "../host.ts";
import { HISTORY_QUERY_ENTRIES_MAX } from "../limits.ts";
import { arraySource, HistoryQueryIterator, type KeyModification } from "./iterators.ts";
import { validateStateKey } from "./keys.ts";
import { timestampOfMs } from "./timestamp.ts";

/**
 * The past values of `key`, newest first (Fabric 2.x order), each with the
 * writing transaction's id and block time as a protobuf timestamp whose
 * `seconds` is a plain number (what Fabric's history entries hold).
 */
export function historyIterator(host: ContractHost, key: string): HistoryQueryIterator {
  validateStateKey(key);
  const entries = host.getHistory(key, HISTORY_QUERY_ENTRIES_MAX + 1);
  if (entries.length > HISTORY_QUERY_ENTRIES_MAX) {
    throw new ContractApiError(
      ContractErrorCode.CONTRACT_QUERY_LIMIT,
      `key has more than ${HISTORY_QUERY_ENTRIES_MAX} past values (HISTORY_QUERY_ENTRIES_MAX)`,
    );
  }
  const modifications = entries.map(
    (entry): KeyModification => ({
      txId: entry.txId,
      value: bufferFromHost(entry.value),
      isDelete: entry.isDelete,
      timestamp: timestampOfMs(entry.timestampMs),
    }),
  );
  return new HistoryQueryIterator(arraySource(modifications));
}
