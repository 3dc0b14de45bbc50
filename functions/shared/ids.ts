import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out.slice(0, length);
}

/** A ULID: 48-bit millisecond time + 80 random bits, 26 Crockford base32 characters, sortable by time. */
export function newUlid(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + base32(randomBytes(10), 16);
}

/** An access code: 160 random bits, grouped for reading aloud (`XXXX-XXXX-…`, 8 groups of 4). */
export function newAccessCode(): string {
  return base32(randomBytes(20), 32).match(/.{4}/g)!.join('-');
}

/** Hash stored instead of the code. The code has 160 bits of entropy, so a plain SHA-256 suffices. */
export function hashAccessCode(code: string): string {
  const normalized = code.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return createHash('sha256').update(`access-code:${normalized}`).digest('hex');
}

/** Compares an offered access code with a stored hash in constant time. */
export function accessCodeMatches(code: string | undefined, storedHash: string | undefined): boolean {
  if (!code || !storedHash) return false;
  const offered = Buffer.from(hashAccessCode(code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return offered.length === stored.length && timingSafeEqual(offered, stored);
}
