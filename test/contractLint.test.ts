/**
 * The published contracts pass Spectral's standard rulesets without a single
 * warning: `spectral:oas` over the OpenAPI document, `spectral:asyncapi` over
 * the AsyncAPI document, as a partner's tooling or CI would lint them.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import spectralCore, { type RulesetDefinition } from '@stoplight/spectral-core';
import parsers from '@stoplight/spectral-parsers';
import { asyncapi, oas } from '@stoplight/spectral-rulesets';

const { Document, Spectral } = spectralCore;

/**
 * Rules turned off, each with its reason. `asyncapi-info-contact-properties`
 * wants a contact URL and email: the project has none to publish yet, and a
 * made-up address in a contract would send consumers nowhere.
 */
const OFF = { asyncapi: { 'asyncapi-info-contact-properties': 'off' }, oas: {} } as const;

async function lint(text: string, source: string, kind: 'oas' | 'asyncapi') {
  const spectral = new Spectral();
  const ruleset = (kind === 'oas' ? oas : asyncapi) as RulesetDefinition;
  spectral.setRuleset({ extends: [[ruleset, 'recommended']], rules: OFF[kind] });
  const results = await spectral.run(new Document(text, parsers.Json, source));
  return results.map(
    (result) => `${result.code} at ${result.path.join('.')}: ${result.message} (severity ${result.severity})`,
  );
}

t.test('the OpenAPI document passes spectral:oas with no error, warning, information or hint', async (t) => {
  const file = 'contracts/generated/openapi.json';
  t.same(await lint(readFileSync(file, 'utf8'), file, 'oas'), []);
});

t.test('the AsyncAPI document passes spectral:asyncapi with no error, warning, information or hint', async (t) => {
  const file = 'contracts/generated/asyncapi.json';
  t.same(await lint(readFileSync(file, 'utf8'), file, 'asyncapi'), []);
});

t.test(
  'the lint would see a missing operationId, an undeclared tag or an example that breaks its schema',
  async (t) => {
    const document = JSON.parse(readFileSync('contracts/generated/openapi.json', 'utf8')) as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId?: string;
            tags?: string[];
            requestBody?: { content: Record<string, { example?: Record<string, unknown> }> };
          }
        >
      >;
    };
    const signUp = document.paths['/v1/user/sign-up']?.post;
    if (!signUp?.requestBody) throw new Error('no sign-up operation');
    delete signUp.operationId;
    signUp.tags = ['undeclared'];
    const media = signUp.requestBody.content['application/json'];
    if (media?.example) media.example.roles = 'ADMIN';
    const problems = await lint(JSON.stringify(document), 'broken.json', 'oas');
    t.ok(
      problems.some((problem) => problem.startsWith('operation-operationId ')),
      'missing operationId',
    );
    t.ok(
      problems.some((problem) => problem.startsWith('operation-tag-defined ')),
      'undeclared tag',
    );
    t.ok(
      problems.some((problem) => problem.startsWith('oas3-valid-media-example ')),
      'an example its schema refuses',
    );
  },
);
