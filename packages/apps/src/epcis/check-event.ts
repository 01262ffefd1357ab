import { ErrorCode } from "@citychain/protocol";
import { type CheckContext, checkDateTime, checkUri, checkUriList, isRecord } from "./check-basic.ts";
import { checkTypeRules } from "./check-event-rules.ts";
import {
  checkBizTransactionList,
  checkCbv,
  checkLocation,
  checkPersistentDisposition,
  checkQuantityList,
  checkSourceDestList,
} from "./check-fields.ts";
import { checkErrorDeclaration, checkSensorElementList } from "./check-sensor.ts";
import { isExtensionKey } from "./context.ts";
import { isTimeZoneOffset } from "./time.ts";
import type { EpcisEvent, EpcisEventType } from "./types.ts";

const COMMON_FIELDS = [
  "type",
  "eventTime",
  "eventTimeZoneOffset",
  "recordTime",
  "eventID",
  "errorDeclaration",
  "certificationInfo",
  "bizStep",
  "disposition",
  "persistentDisposition",
  "readPoint",
  "bizLocation",
  "bizTransactionList",
  "sourceList",
  "destinationList",
  "sensorElementList",
];

/** Fields each event type adds to the common ones (EPCIS 2.0 sections 7.4.2-7.4.6). */
const TYPE_FIELDS: Readonly<Record<EpcisEventType, readonly string[]>> = {
  ObjectEvent: ["action", "epcList", "quantityList", "ilmd"],
  AggregationEvent: ["action", "parentID", "childEPCs", "childQuantityList"],
  TransactionEvent: ["action", "parentID", "epcList", "quantityList"],
  TransformationEvent: [
    "inputEPCList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "transformationID",
    "ilmd",
  ],
  AssociationEvent: ["action", "parentID", "childEPCs", "childQuantityList"],
};
const ALL_FIELDS = new Set([...COMMON_FIELDS, ...Object.values(TYPE_FIELDS).flat()]);
const EPC_LISTS = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"];
const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

function isEventType(v: unknown): v is EpcisEventType {
  return typeof v === "string" && Object.hasOwn(TYPE_FIELDS, v);
}

function checkFieldNames(e: Record<string, unknown>, type: EpcisEventType, c: CheckContext): void {
  const allowed = new Set([...COMMON_FIELDS, ...TYPE_FIELDS[type]]);
  for (const key of Object.keys(e)) {
    if (allowed.has(key) || key === "@context") continue;
    if (ALL_FIELDS.has(key)) c.sink.add(key, ErrorCode.EPCIS_FIELD_FORBIDDEN, `is not a field of ${type}`);
    else if (!isExtensionKey(key, c.namespaces)) {
      c.sink.add(
        key,
        ErrorCode.EPCIS_FIELD_INVALID,
        "is not a standard field; extension fields need a namespace prefix declared in @context",
      );
    }
  }
}

function checkTimes(e: Record<string, unknown>, c: CheckContext): void {
  if (e.eventTime === undefined) c.sink.add("eventTime", ErrorCode.EPCIS_FIELD_MISSING, "is required");
  else checkDateTime(e.eventTime, "eventTime", c);
  if (e.eventTimeZoneOffset === undefined)
    c.sink.add("eventTimeZoneOffset", ErrorCode.EPCIS_FIELD_MISSING, "is required");
  else if (typeof e.eventTimeZoneOffset !== "string" || !isTimeZoneOffset(e.eventTimeZoneOffset)) {
    c.sink.add(
      "eventTimeZoneOffset",
      ErrorCode.EPCIS_TIME_INVALID,
      'must be "+hh:mm" or "-hh:mm" between -14:00 and +14:00',
    );
  }
  if (e.recordTime !== undefined) checkDateTime(e.recordTime, "recordTime", c);
}

/**
 * Checks one event object against EPCIS 2.0 and returns its normalised copy
 * (CBV values as bare names), or undefined when its type is unusable. All
 * problems go to the context's sink.
 */
export function checkEvent(e: unknown, c: CheckContext): EpcisEvent | undefined {
  if (!isRecord(e)) {
    c.sink.add("", ErrorCode.EPCIS_FIELD_INVALID, "an event must be a JSON object");
    return undefined;
  }
  if (e.type === undefined) {
    c.sink.add("type", ErrorCode.EPCIS_FIELD_MISSING, "is required");
    return undefined;
  }
  if (!isEventType(e.type)) {
    c.sink.add("type", ErrorCode.EPCIS_FIELD_INVALID, `${JSON.stringify(e.type)} is not an EPCIS 2.0 event type`);
    return undefined;
  }
  const type = e.type;
  checkFieldNames(e, type, c);
  checkTimes(e, c);
  checkTypeRules(e, type, c);
  const out: Record<string, unknown> = { ...e };
  if (e.eventID !== undefined) checkUri(e.eventID, "eventID", c);
  for (const k of ["parentID", "transformationID"]) if (e[k] !== undefined) checkUri(e[k], k, c);
  for (const k of EPC_LISTS) if (e[k] !== undefined) checkUriList(e[k], k, c);
  for (const k of QUANTITY_LISTS) if (e[k] !== undefined) checkQuantityList(e[k], k, c);
  for (const k of ["readPoint", "bizLocation"]) if (e[k] !== undefined) checkLocation(e[k], k, c);
  if (e.bizStep !== undefined) out.bizStep = checkCbv("bizStep", e.bizStep, "bizStep", c) ?? e.bizStep;
  if (e.disposition !== undefined)
    out.disposition = checkCbv("disposition", e.disposition, "disposition", c) ?? e.disposition;
  if (e.persistentDisposition !== undefined) {
    out.persistentDisposition = checkPersistentDisposition(e.persistentDisposition, "persistentDisposition", c);
  }
  if (e.bizTransactionList !== undefined)
    out.bizTransactionList = checkBizTransactionList(e.bizTransactionList, "bizTransactionList", c);
  if (e.sourceList !== undefined) out.sourceList = checkSourceDestList(e.sourceList, "source", "sourceList", c);
  if (e.destinationList !== undefined) {
    out.destinationList = checkSourceDestList(e.destinationList, "destination", "destinationList", c);
  }
  if (e.sensorElementList !== undefined) checkSensorElementList(e.sensorElementList, "sensorElementList", c);
  if (e.errorDeclaration !== undefined)
    out.errorDeclaration = checkErrorDeclaration(e.errorDeclaration, "errorDeclaration", c);
  if (e.ilmd !== undefined && !isRecord(e.ilmd)) c.sink.add("ilmd", ErrorCode.EPCIS_FIELD_INVALID, "must be an object");
  if (e.certificationInfo !== undefined) {
    if (Array.isArray(e.certificationInfo)) checkUriList(e.certificationInfo, "certificationInfo", c);
    else checkUri(e.certificationInfo, "certificationInfo", c);
  }
  return out as EpcisEvent;
}
