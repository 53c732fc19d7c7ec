/**
 * The published contract passes Spectral's standard ruleset without a single
 * warning: `spectral:oas` over the OpenAPI document, as a partner's tooling
 * or CI would lint it.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import spectralCore, { type RulesetDefinition } from '@stoplight/spectral-core';
import parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

const { Document, Spectral } = spectralCore;

async function lint(text: string, source: string, kind: 'oas') {
  const spectral = new Spectral();
  const ruleset = ({ oas })[kind] as RulesetDefinition;
  spectral.setRuleset({ extends: [[ruleset, 'recommended']] });
  const results = await spectral.run(new Document(text, parsers.Json, source));
  return results.map((result) => `${result.code} at ${result.path.join('.')}: ${result.message} (severity ${result.severity})`);
}

t.test('the OpenAPI document passes spectral:oas with no error, warning, information or hint', async (t) => {
  const file = 'contracts/generated/openapi.json';
  t.same(await lint(readFileSync(file, 'utf8'), file, 'oas'), []);
});

t.test('the lint would see a missing operationId, an undeclared tag or an example that breaks its schema', async (t) => {
  const document = JSON.parse(readFileSync('contracts/generated/openapi.json', 'utf8')) as {
    paths: Record<string, Record<string, { operationId?: string; tags?: string[]; requestBody?: { content: Record<string, { example?: Record<string, unknown> }> } }>>;
  };
  const signUp = document.paths['/v1/user/sign-up']?.post;
  if (!signUp?.requestBody) throw new Error('no sign-up operation');
  delete signUp.operationId;
  signUp.tags = ['undeclared'];
  const media = signUp.requestBody.content['application/json'];
  if (media?.example) media.example.roles = 'ADMIN';
  const problems = await lint(JSON.stringify(document), 'broken.json', 'oas');
  t.ok(problems.some((problem) => problem.startsWith('operation-operationId ')), 'missing operationId');
  t.ok(problems.some((problem) => problem.startsWith('operation-tag-defined ')), 'undeclared tag');
  t.ok(problems.some((problem) => problem.startsWith('oas3-valid-media-example ')), 'an example its schema refuses');
});
