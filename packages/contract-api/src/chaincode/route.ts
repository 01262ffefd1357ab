/**
 * Splits a function name into contract and function as Fabric does:
 * everything before the first `:` names the contract (none, or an empty one,
 * means the default contract), the rest is the function. As in Fabric's
 * pattern, the function name ends at a line break.
 */
export function splitFunctionName(
  fcn: string,
  defaultName: string | undefined,
): { contractName: string | undefined; fn: string } {
  const match = /([^:]*)(?::|^)(.*)/.exec(fcn);
  const contractName = match?.[1] ?? "";
  return { contractName: contractName.trim() === "" ? defaultName : contractName, fn: match?.[2] ?? "" };
}
