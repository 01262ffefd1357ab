import { ErrorCode } from "@citychain/protocol";
import { isUriLike } from "./cbv.ts";
import { MEASUREMENT_TYPES } from "./cbv-vocabulary.ts";
import {
  type CheckContext,
  checkDateTime,
  checkKeys,
  checkNumber,
  checkString,
  checkUri,
  isRecord,
} from "./check-basic.ts";
import { checkCbv } from "./check-fields.ts";
import type { ErrorDeclaration, SensorElement } from "./types.ts";

const METADATA_TIMES = ["time", "startTime", "endTime"];
const METADATA_URIS = ["deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules"];
const METADATA_KEYS = new Set([...METADATA_TIMES, ...METADATA_URIS]);

const REPORT_URIS = [
  "deviceID",
  "deviceMetadata",
  "rawData",
  "dataProcessingMethod",
  "microorganism",
  "chemicalSubstance",
  "uriValue",
  "coordinateReferenceSystem",
];
const REPORT_NUMBERS = ["value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"];
const REPORT_STRINGS = ["component", "stringValue", "uom"];
const REPORT_KEYS = new Set([
  "type",
  "exception",
  "time",
  "booleanValue",
  "hexBinaryValue",
  ...REPORT_URIS,
  ...REPORT_NUMBERS,
  ...REPORT_STRINGS,
]);
const ELEMENT_KEYS = new Set(["sensorMetadata", "sensorReport", "type"]);

function checkReport(r: unknown, at: string, c: CheckContext): void {
  if (!isRecord(r)) {
    c.sink.add(at, ErrorCode.EPCIS_FIELD_INVALID, "must be an object");
    return;
  }
  checkKeys(r, REPORT_KEYS, at, c);
  if (r.type !== undefined) {
    if (typeof r.type !== "string" || (!MEASUREMENT_TYPES.has(r.type) && !isUriLike(r.type))) {
      c.sink.add(
        `${at}.type`,
        ErrorCode.EPCIS_VOCABULARY_UNKNOWN,
        "must be a GS1 measurement type (e.g. Temperature) or a URI",
      );
    }
  }
  if (r.exception !== undefined && r.exception !== "ALARM_CONDITION" && r.exception !== "ERROR_CONDITION") {
    c.sink.add(`${at}.exception`, ErrorCode.EPCIS_FIELD_INVALID, "must be ALARM_CONDITION or ERROR_CONDITION");
  }
  if (r.time !== undefined) checkDateTime(r.time, `${at}.time`, c);
  for (const k of REPORT_URIS) if (r[k] !== undefined) checkUri(r[k], `${at}.${k}`, c);
  for (const k of REPORT_NUMBERS) if (r[k] !== undefined) checkNumber(r[k], `${at}.${k}`, c);
  for (const k of REPORT_STRINGS) if (r[k] !== undefined) checkString(r[k], `${at}.${k}`, c);
  if (r.booleanValue !== undefined && typeof r.booleanValue !== "boolean") {
    c.sink.add(`${at}.booleanValue`, ErrorCode.EPCIS_FIELD_INVALID, "must be true or false");
  }
  if (
    r.hexBinaryValue !== undefined &&
    (typeof r.hexBinaryValue !== "string" || !/^[0-9A-Fa-f]*$/.test(r.hexBinaryValue))
  ) {
    c.sink.add(`${at}.hexBinaryValue`, ErrorCode.EPCIS_FIELD_INVALID, "must be hexadecimal digits");
  }
}

/** sensorElementList: sensorMetadata (optional) and a non-empty sensorReport list per element. */
export function checkSensorElementList(v: unknown, path: string, c: CheckContext): SensorElement[] | undefined {
  if (!Array.isArray(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an array of sensor elements");
    return undefined;
  }
  v.forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(e)) {
      c.sink.add(at, ErrorCode.EPCIS_FIELD_INVALID, "must be an object");
      return;
    }
    checkKeys(e, ELEMENT_KEYS, at, c);
    if (e.sensorMetadata !== undefined) {
      const m = e.sensorMetadata;
      if (!isRecord(m)) c.sink.add(`${at}.sensorMetadata`, ErrorCode.EPCIS_FIELD_INVALID, "must be an object");
      else {
        checkKeys(m, METADATA_KEYS, `${at}.sensorMetadata`, c);
        for (const k of METADATA_TIMES) if (m[k] !== undefined) checkDateTime(m[k], `${at}.sensorMetadata.${k}`, c);
        for (const k of METADATA_URIS) if (m[k] !== undefined) checkUri(m[k], `${at}.sensorMetadata.${k}`, c);
      }
    }
    if (!Array.isArray(e.sensorReport) || e.sensorReport.length === 0) {
      c.sink.add(`${at}.sensorReport`, ErrorCode.EPCIS_FIELD_MISSING, "at least one sensor report is required");
      return;
    }
    e.sensorReport.forEach((r, j) => {
      checkReport(r, `${at}.sensorReport[${j}]`, c);
    });
  });
  return v as SensorElement[];
}

const DECLARATION_KEYS = new Set(["declarationTime", "reason", "correctiveEventIDs"]);

/** errorDeclaration: declarationTime required, reason a CBV error reason or URI. */
export function checkErrorDeclaration(v: unknown, path: string, c: CheckContext): ErrorDeclaration | undefined {
  if (!isRecord(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an object with declarationTime");
    return undefined;
  }
  checkKeys(v, DECLARATION_KEYS, path, c);
  if (v.declarationTime === undefined)
    c.sink.add(`${path}.declarationTime`, ErrorCode.EPCIS_FIELD_MISSING, "is required");
  else checkDateTime(v.declarationTime, `${path}.declarationTime`, c);
  const out = { ...v } as ErrorDeclaration;
  if (v.reason !== undefined) out.reason = checkCbv("errorReason", v.reason, `${path}.reason`, c) ?? String(v.reason);
  if (v.correctiveEventIDs !== undefined) {
    if (!Array.isArray(v.correctiveEventIDs)) {
      c.sink.add(`${path}.correctiveEventIDs`, ErrorCode.EPCIS_FIELD_INVALID, "must be an array of event IDs");
    } else {
      v.correctiveEventIDs.forEach((id, i) => {
        checkUri(id, `${path}.correctiveEventIDs[${i}]`, c);
      });
    }
  }
  return out;
}
