/**
 * Applies decorators as TypeScript's emitted `__decorate` helper does (last
 * first), so tests can add the `design:*` metadata `emitDecoratorMetadata`
 * would emit: vitest compiles tests with esbuild, which emits none.
 */

import "reflect-metadata";

type MemberDecorator = (target: object, propertyKey: string) => void;
type ClassDecorator = (target: abstract new (...args: never[]) => unknown) => void;

/** Decorates member `key` of `prototype`. */
export function decorateMember(decorators: MemberDecorator[], prototype: object, key: string): void {
  for (let i = decorators.length - 1; i >= 0; i--) decorators[i](prototype, key);
}

/** Decorates a class. */
export function decorateClass(decorators: ClassDecorator[], target: abstract new (...args: never[]) => unknown): void {
  for (let i = decorators.length - 1; i >= 0; i--) decorators[i](target);
}

/** The `design:paramtypes` metadata TypeScript emits for a method. */
export function paramTypes(...types: unknown[]): MemberDecorator {
  return Reflect.metadata("design:paramtypes", types) as MemberDecorator;
}

/** The `design:type` metadata TypeScript emits for a property. */
export function designType(type: unknown): MemberDecorator {
  return Reflect.metadata("design:type", type) as MemberDecorator;
}
