/** An `Error` of this realm carrying a stable `code`, as the contract API and the host read it. */
export function codedError(code: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, "code", { value: code, enumerable: true, configurable: true, writable: true });
  return error;
}

/** The code of anything thrown, if it carries one. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  try {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  try {
    if (typeof error === "object" && error !== null) {
      const message = (error as { message?: unknown }).message;
      if (typeof message === "string") return message;
    }
    return String(error);
  } catch {
    return "a value that cannot be shown was thrown";
  }
}
