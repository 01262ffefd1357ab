import { ErrorCode } from "@citychain/protocol";
import { readCbvValue } from "./cbv.ts";
import type { CbvKind } from "./cbv-vocabulary.ts";
import { type CheckContext, checkKeys, checkNumber, checkUri, isRecord } from "./check-basic.ts";
import type { BizTransaction, EpcisLocation, PersistentDisposition, QuantityElement } from "./types.ts";

/** A CBV vocabulary position; returns the bare name for standard values. */
export function checkCbv(kind: CbvKind, v: unknown, path: string, c: CheckContext): string | undefined {
  if (typeof v !== "string") {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be a string");
    return undefined;
  }
  const read = readCbvValue(kind, v);
  if (!read.ok) {
    c.sink.add(path, ErrorCode.EPCIS_VOCABULARY_UNKNOWN, read.reason);
    return undefined;
  }
  return read.value;
}

const QUANTITY_KEYS = new Set(["epcClass", "quantity", "uom"]);

export function checkQuantityList(v: unknown, path: string, c: CheckContext): QuantityElement[] | undefined {
  if (!Array.isArray(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an array of quantity elements");
    return undefined;
  }
  v.forEach((q, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(q)) {
      c.sink.add(at, ErrorCode.EPCIS_FIELD_INVALID, "must be an object with epcClass and quantity");
      return;
    }
    checkKeys(q, QUANTITY_KEYS, at, c);
    if (q.epcClass === undefined) c.sink.add(`${at}.epcClass`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
    else checkUri(q.epcClass, `${at}.epcClass`, c);
    if (q.quantity === undefined) c.sink.add(`${at}.quantity`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
    else checkNumber(q.quantity, `${at}.quantity`, c);
    if (q.uom !== undefined && (typeof q.uom !== "string" || !/^[A-Z0-9]{2,3}$/.test(q.uom))) {
      c.sink.add(
        `${at}.uom`,
        ErrorCode.EPCIS_FIELD_INVALID,
        "must be a UN/ECE Rec 20 code of 2-3 upper-case letters/digits",
      );
    }
  });
  return v as QuantityElement[];
}

const LOCATION_KEYS = new Set(["id"]);

/** readPoint or bizLocation: {id: URI} plus extensions. */
export function checkLocation(v: unknown, path: string, c: CheckContext): EpcisLocation | undefined {
  if (!isRecord(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, 'must be an object {"id": URI}');
    return undefined;
  }
  checkKeys(v, LOCATION_KEYS, path, c);
  if (v.id === undefined) c.sink.add(`${path}.id`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
  else checkUri(v.id, `${path}.id`, c);
  return v as EpcisLocation;
}

const BIZ_TRANSACTION_KEYS = new Set(["type", "bizTransaction"]);

export function checkBizTransactionList(v: unknown, path: string, c: CheckContext): BizTransaction[] | undefined {
  if (!Array.isArray(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an array");
    return undefined;
  }
  return v.map((t, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(t)) {
      c.sink.add(at, ErrorCode.EPCIS_FIELD_INVALID, "must be an object with bizTransaction");
      return t as BizTransaction;
    }
    checkKeys(t, BIZ_TRANSACTION_KEYS, at, c);
    if (t.bizTransaction === undefined)
      c.sink.add(`${at}.bizTransaction`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
    else checkUri(t.bizTransaction, `${at}.bizTransaction`, c);
    if (t.type === undefined) return { ...t } as unknown as BizTransaction;
    const type = checkCbv("bizTransactionType", t.type, `${at}.type`, c);
    return { ...t, type: type ?? t.type } as unknown as BizTransaction;
  });
}

/** sourceList or destinationList: {type, source|destination}. */
export function checkSourceDestList<T>(
  v: unknown,
  field: "source" | "destination",
  path: string,
  c: CheckContext,
): T[] | undefined {
  if (!Array.isArray(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an array");
    return undefined;
  }
  const keys = new Set(["type", field]);
  return v.map((s, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(s)) {
      c.sink.add(at, ErrorCode.EPCIS_FIELD_INVALID, `must be an object with type and ${field}`);
      return s as T;
    }
    checkKeys(s, keys, at, c);
    if (s[field] === undefined) c.sink.add(`${at}.${field}`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
    else checkUri(s[field], `${at}.${field}`, c);
    if (s.type === undefined) {
      c.sink.add(`${at}.type`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
      return s as T;
    }
    const type = checkCbv("sourceDestType", s.type, `${at}.type`, c);
    return { ...s, type: type ?? s.type } as T;
  });
}

const PERSISTENT_KEYS = new Set(["set", "unset"]);

export function checkPersistentDisposition(
  v: unknown,
  path: string,
  c: CheckContext,
): PersistentDisposition | undefined {
  if (!isRecord(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an object with set and/or unset");
    return undefined;
  }
  checkKeys(v, PERSISTENT_KEYS, path, c);
  const out: PersistentDisposition = {};
  for (const key of ["set", "unset"] as const) {
    const list = v[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      c.sink.add(`${path}.${key}`, ErrorCode.EPCIS_FIELD_INVALID, "must be an array of dispositions");
      continue;
    }
    out[key] = list.map((d, i) => checkCbv("disposition", d, `${path}.${key}[${i}]`, c) ?? String(d));
  }
  return out;
}
