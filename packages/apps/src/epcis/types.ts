/**
 * EPCIS 2.0 events in their JSON-LD form (EPCIS 2.0 section 7.4 and the JSON
 * binding, section 12). Field names are the standard's; every event may carry
 * user extension fields whose names have a namespace prefix declared in the
 * document's @context ("example:myField"), hence the index signatures.
 */

/** The five event types of EPCIS 2.0. */
export type EpcisEventType =
  | "ObjectEvent"
  | "AggregationEvent"
  | "TransactionEvent"
  | "TransformationEvent"
  | "AssociationEvent";

/** What an event does to the objects it names (absent on TransformationEvent). */
export type EpcisAction = "ADD" | "OBSERVE" | "DELETE";

/** A number of instances of a class (EPC class URI or GTIN Digital Link), optionally with a unit. */
export interface QuantityElement {
  epcClass: string;
  quantity: number;
  /** UN/ECE Recommendation 20 unit code, e.g. "KGM". */
  uom?: string;
}

/** A read point or business location: a location identifier plus extensions. */
export interface EpcisLocation {
  id: string;
  [extension: string]: unknown;
}

export interface BizTransaction {
  /** CBV business transaction type (bare name after validation) or a user URI. */
  type?: string;
  bizTransaction: string;
}

export interface EpcisSource {
  type: string;
  source: string;
}

export interface EpcisDestination {
  type: string;
  destination: string;
}

export interface PersistentDisposition {
  set?: string[];
  unset?: string[];
}

export interface ErrorDeclaration {
  declarationTime: string;
  reason?: string;
  correctiveEventIDs?: string[];
  [extension: string]: unknown;
}

export interface SensorMetadata {
  time?: string;
  startTime?: string;
  endTime?: string;
  deviceID?: string;
  deviceMetadata?: string;
  rawData?: string;
  dataProcessingMethod?: string;
  bizRules?: string;
  [extension: string]: unknown;
}

export interface SensorReport {
  /** Measurement type, e.g. "Temperature" (gs1:Temperature), or a URI. */
  type?: string;
  exception?: "ALARM_CONDITION" | "ERROR_CONDITION";
  deviceID?: string;
  deviceMetadata?: string;
  rawData?: string;
  dataProcessingMethod?: string;
  time?: string;
  microorganism?: string;
  chemicalSubstance?: string;
  value?: number;
  component?: string;
  stringValue?: string;
  booleanValue?: boolean;
  hexBinaryValue?: string;
  uriValue?: string;
  minValue?: number;
  maxValue?: number;
  meanValue?: number;
  sDev?: number;
  percRank?: number;
  percValue?: number;
  uom?: string;
  coordinateReferenceSystem?: string;
  [extension: string]: unknown;
}

export interface SensorElement {
  sensorMetadata?: SensorMetadata;
  sensorReport: SensorReport[];
  [extension: string]: unknown;
}

/** Fields every event type may carry. */
export interface EpcisEventBase {
  type: EpcisEventType;
  /** xsd:dateTime with an offset, e.g. "2005-04-03T20:33:31.116-06:00". */
  eventTime: string;
  /** "+hh:mm" or "-hh:mm", the local offset where the event happened. */
  eventTimeZoneOffset: string;
  recordTime?: string;
  eventID?: string;
  errorDeclaration?: ErrorDeclaration;
  certificationInfo?: string | string[];
  /** CBV business step: bare CBV name after validation, or a user vocabulary URI. */
  bizStep?: string;
  /** CBV disposition: bare CBV name after validation, or a user vocabulary URI. */
  disposition?: string;
  persistentDisposition?: PersistentDisposition;
  readPoint?: EpcisLocation;
  bizLocation?: EpcisLocation;
  bizTransactionList?: BizTransaction[];
  sourceList?: EpcisSource[];
  destinationList?: EpcisDestination[];
  sensorElementList?: SensorElement[];
  [extension: string]: unknown;
}

export interface ObjectEvent extends EpcisEventBase {
  type: "ObjectEvent";
  action: EpcisAction;
  epcList?: string[];
  quantityList?: QuantityElement[];
  ilmd?: Record<string, unknown>;
}

export interface AggregationEvent extends EpcisEventBase {
  type: "AggregationEvent";
  action: EpcisAction;
  parentID?: string;
  childEPCs?: string[];
  childQuantityList?: QuantityElement[];
}

export interface TransactionEvent extends EpcisEventBase {
  type: "TransactionEvent";
  action: EpcisAction;
  bizTransactionList: BizTransaction[];
  parentID?: string;
  epcList?: string[];
  quantityList?: QuantityElement[];
}

export interface TransformationEvent extends EpcisEventBase {
  type: "TransformationEvent";
  inputEPCList?: string[];
  inputQuantityList?: QuantityElement[];
  outputEPCList?: string[];
  outputQuantityList?: QuantityElement[];
  transformationID?: string;
  ilmd?: Record<string, unknown>;
}

export interface AssociationEvent extends EpcisEventBase {
  type: "AssociationEvent";
  action: EpcisAction;
  parentID: string;
  childEPCs?: string[];
  childQuantityList?: QuantityElement[];
}

/** Any EPCIS 2.0 event. */
export type EpcisEvent = ObjectEvent | AggregationEvent | TransactionEvent | TransformationEvent | AssociationEvent;

/** An EPCIS 2.0 document in JSON-LD. */
export interface EpcisDocument {
  "@context": unknown;
  type: "EPCISDocument";
  schemaVersion: string;
  creationDate: string;
  epcisHeader?: Record<string, unknown>;
  epcisBody: { eventList: EpcisEvent[] };
  [extension: string]: unknown;
}
