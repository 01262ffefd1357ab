import { CityChainError, ErrorCode } from "@citychain/protocol";

/** One thing wrong in an EPCIS document. */
export interface EpcisProblem {
  /** Position of the event in epcisBody.eventList; null for the document itself. */
  eventIndex: number | null;
  /** The event's eventID, when it has one, so the sender can find it. */
  eventID?: string;
  /** Field path inside the event (or the document when eventIndex is null), e.g. "bizTransactionList[0].type". */
  path: string;
  code: ErrorCode;
  message: string;
}

/** The error thrown for an invalid document; `problems` lists every problem found. */
export interface EpcisDocumentErrorType {
  code: typeof ErrorCode.EPCIS_DOCUMENT_INVALID;
  problems: EpcisProblem[];
}

/** Collects problems for one event (or the document) with their location filled in. */
export class ProblemSink {
  constructor(
    readonly problems: EpcisProblem[],
    private readonly eventIndex: number | null,
    private readonly eventID?: string,
  ) {}

  add(path: string, code: ErrorCode, message: string): void {
    const problem: EpcisProblem = { eventIndex: this.eventIndex, path, code, message };
    if (this.eventID !== undefined) problem.eventID = this.eventID;
    this.problems.push(problem);
  }
}

function describe(p: EpcisProblem): string {
  const where = p.eventIndex === null ? "document" : `event ${p.eventIndex}${p.eventID ? ` (${p.eventID})` : ""}`;
  return `${where} ${p.path}: ${p.message} [${p.code}]`;
}

/** EPCIS_DOCUMENT_INVALID listing the first problems in its message and all of them in its type. */
export function epcisDocumentError(problems: EpcisProblem[]): CityChainError<EpcisDocumentErrorType> {
  const shown = problems.slice(0, 5).map(describe).join("; ");
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : "";
  return new CityChainError(
    { code: ErrorCode.EPCIS_DOCUMENT_INVALID, problems },
    `EPCIS document has ${problems.length} problem(s): ${shown}${more}`,
  );
}
