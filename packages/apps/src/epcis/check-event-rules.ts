import { ErrorCode } from "@citychain/protocol";
import type { CheckContext } from "./check-basic.ts";
import type { EpcisEventType } from "./types.ts";

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/**
 * What each event type requires (EPCIS 2.0 sections 7.4.2-7.4.6 and the
 * JSON schema): action except on TransformationEvent; ObjectEvent names
 * objects (epcList, quantityList or, in 2.0, only sensor data) and carries
 * ILMD only when it creates them (ADD); AggregationEvent needs its parent
 * for ADD and DELETE and children unless it is a DELETE of everything;
 * AssociationEvent always needs its parent; TransactionEvent needs a
 * business transaction; TransformationEvent needs inputs and outputs unless
 * a transformationID links it to others.
 */
export function checkTypeRules(e: Record<string, unknown>, type: EpcisEventType, c: CheckContext): void {
  if (type !== "TransformationEvent") {
    if (e.action === undefined) c.sink.add("action", ErrorCode.EPCIS_FIELD_MISSING, `is required in ${type}`);
    else if (e.action !== "ADD" && e.action !== "OBSERVE" && e.action !== "DELETE") {
      c.sink.add("action", ErrorCode.EPCIS_FIELD_INVALID, "must be ADD, OBSERVE or DELETE");
    }
  }
  const children = nonEmpty(e.childEPCs) || nonEmpty(e.childQuantityList);
  switch (type) {
    case "ObjectEvent":
      if (e.epcList === undefined && !nonEmpty(e.quantityList) && !nonEmpty(e.sensorElementList)) {
        c.sink.add(
          "epcList",
          ErrorCode.EPCIS_FIELD_MISSING,
          "an ObjectEvent needs epcList or quantityList (or sensor data)",
        );
      }
      if (e.ilmd !== undefined && e.action !== "ADD") {
        c.sink.add("ilmd", ErrorCode.EPCIS_FIELD_FORBIDDEN, "instance/lot master data is only allowed with action ADD");
      }
      break;
    case "AggregationEvent":
      if (e.parentID === undefined && (e.action === "ADD" || e.action === "DELETE")) {
        c.sink.add("parentID", ErrorCode.EPCIS_FIELD_MISSING, `is required when action is ${e.action}`);
      }
      if (!children && e.action !== "DELETE") {
        c.sink.add(
          "childEPCs",
          ErrorCode.EPCIS_FIELD_MISSING,
          "childEPCs or childQuantityList is required unless action is DELETE",
        );
      }
      break;
    case "AssociationEvent":
      if (e.parentID === undefined)
        c.sink.add("parentID", ErrorCode.EPCIS_FIELD_MISSING, "is required in an AssociationEvent");
      if (!children && e.action !== "DELETE") {
        c.sink.add(
          "childEPCs",
          ErrorCode.EPCIS_FIELD_MISSING,
          "childEPCs or childQuantityList is required unless action is DELETE",
        );
      }
      break;
    case "TransactionEvent":
      if (!nonEmpty(e.bizTransactionList)) {
        c.sink.add(
          "bizTransactionList",
          ErrorCode.EPCIS_FIELD_MISSING,
          "a TransactionEvent needs at least one business transaction",
        );
      }
      if (e.epcList === undefined && !nonEmpty(e.quantityList) && e.action !== "DELETE") {
        c.sink.add(
          "epcList",
          ErrorCode.EPCIS_FIELD_MISSING,
          "epcList or quantityList is required unless action is DELETE",
        );
      }
      break;
    case "TransformationEvent":
      if (e.transformationID === undefined) {
        if (!nonEmpty(e.inputEPCList) && !nonEmpty(e.inputQuantityList)) {
          c.sink.add(
            "inputEPCList",
            ErrorCode.EPCIS_FIELD_MISSING,
            "at least one input is required without a transformationID",
          );
        }
        if (!nonEmpty(e.outputEPCList) && !nonEmpty(e.outputQuantityList)) {
          c.sink.add(
            "outputEPCList",
            ErrorCode.EPCIS_FIELD_MISSING,
            "at least one output is required without a transformationID",
          );
        }
      }
      break;
  }
}
