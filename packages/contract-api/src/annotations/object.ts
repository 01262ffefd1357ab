import "reflect-metadata";
import { registry } from "./registry.ts";
import { generateSchema, type TypeSchema, typeNameOf } from "./schema.ts";

/** A class decorator as TypeScript's `experimentalDecorators` calls it. */
export type ClassDecoratorFn = (target: abstract new (...args: never[]) => unknown) => void;

/** A property decorator as TypeScript's `experimentalDecorators` calls it. */
export type PropertyDecoratorFn = (target: object, propertyKey: string | symbol) => void;

const PROPERTIES_KEY = "fabric:object-properties";

/**
 * Registers a class as a component schema (Fabric's `@Object()`), so
 * transaction parameters of that type are parsed from JSON into an instance
 * of the class and the metadata describes its `@Property` fields. A subclass
 * of another class is described with `allOf` and a reference to its parent.
 * Exported as `Object`, Fabric's name.
 */
export function objectDecorator(opts?: { discriminator?: string }): ClassDecoratorFn {
  return (target) => {
    const cnstr = target as unknown as new () => object;
    const properties = (Reflect.getMetadata(PROPERTIES_KEY, target.prototype) as Record<string, TypeSchema>) ?? {};
    const supertype = Object.getPrototypeOf(target.prototype).constructor.name as string;
    if (supertype === "Object") {
      registry.objects[target.name] = { $id: target.name, type: "object", cnstr, properties };
      if (opts?.discriminator) registry.objects[target.name].discriminator = { propertyName: opts.discriminator };
    } else {
      registry.objects[target.name] = {
        $id: target.name,
        cnstr,
        allOf: [{ type: "object", properties }, { $ref: supertype }],
      };
    }
  };
}

/**
 * Declares a property of an `@Object()` class. Without both arguments the
 * name is the property's and the type comes from TypeScript's `design:type`
 * metadata, as in Fabric.
 */
export function Property(name?: string, type?: string): PropertyDecoratorFn {
  return (target, propertyKey) => {
    const properties = (Reflect.getOwnMetadata(PROPERTIES_KEY, target) as Record<string, TypeSchema>) ?? {};
    let propertyName = name;
    let propertyType = type;
    if (!propertyName || !propertyType) {
      propertyName = String(propertyKey);
      const designType: unknown = Reflect.getMetadata("design:type", target, propertyKey);
      if (designType === undefined) {
        throw new Error(
          `@Property() on ${target.constructor.name}.${propertyName} has no type: compile with emitDecoratorMetadata ` +
            `(tsc or SWC; esbuild does not emit it) or write @Property('${propertyName}', 'string')`,
        );
      }
      propertyType = typeNameOf(designType);
    }
    properties[propertyName] = generateSchema(propertyType, false);
    Reflect.defineMetadata(PROPERTIES_KEY, properties, target);
  };
}
