/** eSewa ePay v2's signature, shared by the eSewa funding module and the embedded eSewa sandbox. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** eSewa's signature: HMAC-SHA256, base64, over `name=value` of the signed fields, in order, joined by commas. */
export function esewaSignature(secret: string, fields: Record<string, string>, names: string[]): string {
  const message = names.map((name) => `${name}=${fields[name] ?? ''}`).join(',');
  return createHmac('sha256', secret).update(message).digest('base64');
}

export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
