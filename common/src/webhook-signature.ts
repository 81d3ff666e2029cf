/**
 * Mist webhook signatures: `X-Mist-Signature-v2` is the HMAC-SHA256 of the raw body with the webhook
 * secret, as hex; `X-Mist-Signature` the same with SHA-1 (docs/mist-api.md, Webhooks). Only v2 is
 * accepted. The comparison takes the same time whatever the header holds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-mist-signature-v2';
export const SIGNATURE_V1_HEADER = 'x-mist-signature';

/** The lowercase hex HMAC-SHA256 of `body` with `secret` (what Mist sends in X-Mist-Signature-v2). */
export function signV2(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The SHA-1 signature Mist sends beside it (X-Mist-Signature); not accepted, sent by the simulator. */
export function signV1(secret: string, body: Buffer | string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** Whether `header` is the v2 signature of `body` (hex, either case). */
export function verifyV2(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const want = Buffer.from(signV2(secret, body), 'ascii');
  const got = Buffer.from(header.trim().toLowerCase(), 'ascii');
  // Lengths differ only for a malformed header; comparing `want` with itself keeps the time the same.
  const same = timingSafeEqual(want, got.length === want.length ? got : want);
  return same && got.length === want.length;
}
