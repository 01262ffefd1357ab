import { CHAINCODE_PATH_CHARS_MAX } from "./limits.ts";

/** Extensions a bundled file may have: CommonJS sources and JSON data. */
export const BUNDLE_FILE_EXTENSIONS = [".js", ".cjs", ".json"] as const;

/** True for a file a contract can `require` as code (not JSON). */
export function isCodePath(path: string): boolean {
  return path.endsWith(".js") || path.endsWith(".cjs");
}

/**
 * Why `path` is not a normalised bundle path, or undefined when it is one:
 * relative, `/`-separated, no empty, `.` or `..` segment, printable, short,
 * and with an allowed extension. One spelling per file keeps the resolution
 * map and the hash independent of how the packager's file system names things.
 */
export function bundlePathProblem(path: string): string | undefined {
  if (path.length === 0) return "is empty";
  if (path.length > CHAINCODE_PATH_CHARS_MAX) return `is longer than ${CHAINCODE_PATH_CHARS_MAX} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return "contains a control character or a backslash";
  if (path.startsWith("/")) return "is absolute";
  for (const segment of path.split("/")) {
    if (segment === "" || segment === "." || segment === "..") return `has the segment "${segment}"`;
  }
  if (!BUNDLE_FILE_EXTENSIONS.some((ext) => path.endsWith(ext))) {
    return `does not end with one of ${BUNDLE_FILE_EXTENSIONS.join(", ")}`;
  }
  return undefined;
}

/** The directory part of a bundle path ("" for a file at the root). */
export function bundleDirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}
