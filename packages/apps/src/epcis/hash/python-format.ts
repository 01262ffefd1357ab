/**
 * Number and value formatting as the reference implementation (Python)
 * produces it, so pre-hash strings match byte for byte.
 */

/** Python repr() of a finite float: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${BigInt(x).toString()}.0`.replace(/^-0\.0$/, "-0.0");
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${body}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
}

/** Python str() of a JSON scalar as json.loads would have typed it. */
export function pythonStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null || v === undefined) return "None";
  if (typeof v === "number")
    return Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : pythonFloatRepr(v);
  return String(v);
}

/** The literal syntax Python's float() accepts (underscores between digits allowed). */
const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/**
 * Rule 6 of the hash algorithm: numeric values without trailing zeros. Like
 * the reference, any value that parses as a float is rewritten: integral
 * values as integers ("26.0" -> "26", also "007" -> "7"), others in Python's
 * shortest form. inf and nan are left alone (the reference fails on inf).
 */
export function canonicalNumber(text: string): string {
  const trimmed = text.trim();
  if (!PY_FLOAT.test(trimmed)) return text;
  const n = Number(trimmed.replaceAll("_", ""));
  if (!Number.isFinite(n)) return text;
  if (Number.isInteger(n)) return BigInt(n).toString();
  return pythonFloatRepr(n);
}
