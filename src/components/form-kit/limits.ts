/**
 * The longest text each form field accepts, in characters (UTF-16 units, as the server's validation counts them).
 * The server states the same limits in its zod schemas; tests/client/form-limits.test.ts checks, against the
 * OpenAPI document the server generates from those schemas, that the two agree.
 */
export const LIMITS = {
  notice: { observed: 2000, recommendation: 2000, meetingPlace: 100, contactName: 20, contactPhone: 20 },
  ack: { reason: 500, signedName: 20 },
  bind: { code: 20 },
  event: { title: 60, topic: 40, speaker: 60, address: 200, onlineUrl: 500, description: 2000 },
  profile: { displayName: 20 },
  invitation: { note: 60 },
  hotline: { number: 20, label: 40, hours: 40 },
} as const;
