/** Ties zod schemas to the contract in types/: a schema whose shape drifts from its type fails to compile. */
import type { z } from 'zod';

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Checks at compile time that a schema's parsed output is exactly the contract type T. */
export function typed<T>() {
  return <S extends z.ZodType>(schema: S & (Exact<z.output<S>, T> extends true ? unknown : { schemaMismatch: T })): S => schema;
}
