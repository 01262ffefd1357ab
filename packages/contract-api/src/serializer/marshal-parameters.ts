import type { TypeSchema } from "../annotations/schema.ts";
import type { TransactionDescriptor } from "../annotations/transactions.ts";
import { ContractApiError, ContractErrorCode, errorMessageOf } from "../errors.ts";
import type { JSONSerializer } from "./json-serializer.ts";
import { validateValue } from "./schema-validate.ts";

/**
 * The values passed to a transaction function for its string arguments
 * (Fabric's `DataMarshall.handleParameters`). A function with no declared
 * parameters (a contract without decorators) gets every argument as a
 * string; otherwise the count must match and each argument is parsed by its
 * schema and validated. Failures carry `CONTRACT_ARGS_INVALID` and Fabric's
 * messages; `hint` is appended to a count mismatch (it says why types may be
 * missing).
 */
export function marshalParameters(
  transaction: TransactionDescriptor,
  args: readonly string[],
  serializer: JSONSerializer,
  components: Record<string, TypeSchema>,
  hint = "",
): unknown[] {
  const expected = transaction.parameters;
  if (!expected) return [...args];
  if (expected.length !== args.length) {
    const message = `Expected ${expected.length} parameters, but ${args.length} have been supplied${hint}`;
    throw new ContractApiError(ContractErrorCode.CONTRACT_ARGS_INVALID, message);
  }
  return expected.map((parameter, index) => {
    const schema = parameter.schema;
    if (!schema.type && !schema.$ref) {
      throw argsError(`Incorrect type information ${JSON.stringify(schema)}`);
    }
    let value: unknown;
    let errors: string[];
    try {
      value = serializer.fromString(args[index], {
        properties: { prop: schema },
        components: { schemas: components },
      }).value;
      // Fabric validates the converted value (its marshaller reads a field the serializer never sets).
      errors = validateValue(value, schema, components);
    } catch (error) {
      throw argsError(errorMessageOf(error));
    }
    if (errors.length > 0) throw argsError(`Unable to validate parameter due to ${JSON.stringify(errors)}`);
    return value;
  });
}

function argsError(message: string): ContractApiError {
  return new ContractApiError(ContractErrorCode.CONTRACT_ARGS_INVALID, message);
}
