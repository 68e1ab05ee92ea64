import { LIMITS } from '../../src/components/form-kit/limits';
import { testApp, type TestApp } from '../helpers/app';

/** The request body each form of the client sends, by its key in LIMITS. */
const BODIES: Record<keyof typeof LIMITS, [method: string, path: string]> = {
  notice: ['post', '/api/notices'],
  ack: ['post', '/api/notices/{id}/acknowledge'],
  bind: ['post', '/api/bindings'],
  event: ['post', '/api/events'],
  profile: ['put', '/api/me/profile'],
  invitation: ['post', '/api/invitations'],
  hotline: ['put', '/api/admin/regions/{id}/hotline'],
};

interface JsonSchema {
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

describe('the client states the same text limits as the server', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>; components?: { schemas?: Record<string, JsonSchema> } };

  beforeAll(async () => {
    t = await testApp({ seed: false });
    doc = (await t.call('GET', '/api/openapi.json')).body;
  }, 60_000);
  afterAll(() => t?.close());

  /** The maxLength a property's schema states (through a nullable or optional wrapper). */
  function maxLength(schema: JsonSchema | undefined): number | undefined {
    if (!schema) return undefined;
    if (schema.$ref) return maxLength(doc.components?.schemas?.[schema.$ref.split('/').pop() as string]);
    if (schema.maxLength !== undefined) return schema.maxLength;
    for (const s of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
      const m = maxLength(s);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  for (const [form, fields] of Object.entries(LIMITS) as [keyof typeof LIMITS, Record<string, number>][]) {
    test(`${form}: ${Object.keys(fields).join(', ')}`, () => {
      const [method, path] = BODIES[form];
      let body = doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
      if (body?.$ref) body = doc.components?.schemas?.[body.$ref.split('/').pop() as string];
      expect(body?.properties).toBeDefined();
      for (const [field, limit] of Object.entries(fields)) {
        expect({ field, max: maxLength(body?.properties?.[field]) }).toEqual({ field, max: limit });
      }
    });
  }
});
