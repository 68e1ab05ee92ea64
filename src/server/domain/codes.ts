/** Codes people read and type (invitation codes, certificate numbers): no 0/O or 1/I, grouped by four. */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random code of `length` characters, in groups of four joined by dashes. */
export function randomCode(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return groupCode(s);
}

/** Normalises what a person typed (spaces, dashes, lower case) to the bare characters of a code. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Groups bare characters by four with dashes (ABCDEFGH → ABCD-EFGH). */
export function groupCode(bare: string): string {
  return bare.match(/.{1,4}/g)?.join('-') ?? '';
}
