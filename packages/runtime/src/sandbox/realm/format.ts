/**
 * `util.format` without `util.inspect`: printf-style `%s %d %i %f %j %o %O
 * %c %%`, other values joined by spaces. Objects are shown as JSON (or their
 * `Object.prototype.toString` tag when JSON cannot show them), errors by
 * their stack. It is deterministic and small; it is not Node's inspector.
 */

function json(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    return text === undefined ? String(value) : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A value as `console.log` shows it (strings as they are). */
export function show(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return `[Function: ${value.name || "(anonymous)"}]`;
    case "object":
      if (value === null) return "null";
      if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
      return json(value);
    default:
      return String(value);
  }
}

function number(value: unknown, parse: (text: string) => number): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return "NaN";
  return String(parse(String(value)));
}

export function format(...args: unknown[]): string {
  if (args.length === 0) return "";
  let next = 1;
  let out: string;
  const first = args[0];
  if (typeof first === "string") {
    out = first.replace(/%[sdifjoOc%]/g, (token) => {
      if (token === "%%") return "%";
      if (next >= args.length) return token;
      const value = args[next++];
      switch (token) {
        case "%s":
          return show(value);
        case "%d":
          return number(value, Number);
        case "%i":
          return number(value, (text) => Number.parseInt(text, 10));
        case "%f":
          return number(value, Number.parseFloat);
        case "%j":
          return json(value);
        case "%c":
          return "";
        default:
          return typeof value === "string" ? JSON.stringify(value) : show(value);
      }
    });
  } else {
    out = show(first);
  }
  for (; next < args.length; next++) out += ` ${show(args[next])}`;
  return out;
}
