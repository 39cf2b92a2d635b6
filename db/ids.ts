// Run and sweep ids: 8 characters of Crockford base32 (lower case, no i/l/o/u), 40 random bits. Short enough to
// type, and the CLI accepts any unique prefix. Uniqueness is enforced by the primary key; callers retry on a clash.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const ID_LENGTH = 8;

export function newId(): string {
  const bytes = randomBytes(ID_LENGTH);
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[bytes[i]! & 31];
  return id;
}

/** Whether text could be an id or an id prefix (so it can go into a LIKE pattern as is). */
export function isIdPrefix(text: string): boolean {
  return /^[0-9a-z]{1,8}$/.test(text) && ![...text].some((c) => 'ilou'.includes(c));
}
