/**
 * The canonical property order of the EPCIS event hash (CBV 2.0 section
 * 8.9.3), as PROP_ORDER in the reference implementation: each entry names a
 * field and, for structured fields, the order of its children. The three
 * (type, id) lists have no usable child order there, so their content is
 * hashed with the remaining fields (sorted), exactly as the reference does.
 */
export interface PropOrderEntry {
  name: string;
  children: PropOrder | null;
}
export type PropOrder = readonly PropOrderEntry[];

function leaf(...names: string[]): PropOrderEntry[] {
  return names.map((name) => ({ name, children: null }));
}

const QUANTITY: PropOrder = [{ name: "quantityElement", children: leaf("epcClass", "quantity", "uom") }];
const EPC: PropOrder = leaf("epc");

export const PROP_ORDER: PropOrder = [
  ...leaf("eventTime", "eventTimeZoneOffset", "certificationInfo", "parentID"),
  { name: "epcList", children: EPC },
  { name: "inputEPCList", children: EPC },
  { name: "childEPCs", children: EPC },
  { name: "quantityList", children: QUANTITY },
  { name: "childQuantityList", children: QUANTITY },
  { name: "inputQuantityList", children: QUANTITY },
  { name: "outputEPCList", children: EPC },
  { name: "outputQuantityList", children: QUANTITY },
  ...leaf("action", "transformationID", "bizStep", "disposition"),
  { name: "persistentDisposition", children: leaf("set", "unset") },
  { name: "readPoint", children: leaf("id") },
  { name: "bizLocation", children: leaf("id") },
  { name: "bizTransactionList", children: [] },
  { name: "sourceList", children: [] },
  { name: "destinationList", children: [] },
  {
    name: "sensorElementList",
    children: [
      {
        name: "sensorElement",
        children: [
          {
            name: "sensorMetadata",
            children: leaf(
              "time",
              "startTime",
              "endTime",
              "deviceID",
              "deviceMetadata",
              "rawData",
              "dataProcessingMethod",
              "bizRules",
            ),
          },
          {
            name: "sensorReport",
            children: leaf(
              "type",
              "exception",
              "deviceID",
              "deviceMetadata",
              "rawData",
              "dataProcessingMethod",
              "time",
              "microorganism",
              "chemicalSubstance",
              "value",
              "component",
              "stringValue",
              "booleanValue",
              "hexBinaryValue",
              "uriValue",
              "minValue",
              "maxValue",
              "meanValue",
              "sDev",
              "percRank",
              "percValue",
              "uom",
              "coordinateReferenceSystem",
            ),
          },
        ],
      },
    ],
  },
];

/** Fields never hashed (rule: they are not part of what happened). */
export const IGNORED_FIELDS: ReadonlySet<string> = new Set(["recordTime", "eventID", "type", "errorDeclaration"]);
