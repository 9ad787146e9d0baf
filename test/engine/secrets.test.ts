import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tmp } from '../helpers/engine.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../helpers/localHttpServer.ts';
import { SecretMasker } from '../../engine/mask.ts';

/**
 * Secrets are masked by value: an input whose name marks it secret, a `${{ secrets.X }}` from
 * the environment and an Authorization header never appear on stdout, stderr, in the journal
 * or in any report, even when interpolated into other strings, echoed back by a server,
 * written into outputs or into an error message.
 */
const test = suite('engine/secrets');

let server: LocalHttpServer;
const received: Array<{ authorization: unknown; note: unknown }> = [];
test.before(async () => {
  // Echoes the request's headers as its body and the Authorization header as a response header.
  server = await startLocalHttpServer((req, res) => {
    received.push({ authorization: req.headers.authorization, note: req.headers['x-note'] });
    res.setHeader('x-echo-auth', String(req.headers.authorization ?? ''));
    res.end(JSON.stringify(req.headers));
  });
});
test.after(async () => server.close());

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const workflow = (port: number, dir: string) => `name: secrets
inputs:
  apiToken: { type: string }
steps:
  - id: call
    type: httpRequest
    params:
      url: http://127.0.0.1:${port}/echo
      headers:
        Authorization: "Bearer \${{ secrets.DRILL_BEARER }}"
        X-Note: "used \${{ inputs.apiToken }}"
  - id: note
    type: writeFile
    params: { path: ${dir}/note.txt, content: "used \${{ inputs.apiToken }}" }
  - id: boom
    type: fail
    params: { message: "the token was \${{ inputs.apiToken }}" }
outputs:
  echoed: \${{ steps.call.outputs.body }}
  authSeen: \${{ steps.call.outputs.headers }}
  note: "token \${{ inputs.apiToken }}"
`;

for (const json of [false, true]) {
  test(`a secret input and an Authorization header appear nowhere (${json ? '--json' : 'summary'})`, async () => {
    const dir = tmp('secrets-');
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const bearer = randomBytes(16).toString('base64url');
    const file = join(dir, 'secrets.yaml');
    writeFileSync(file, workflow(server.port, dir));
    const stateDir = join(dir, 'state');
    const result = await runCli(
      ['run', file, '--input', `apiToken=${token}`, '--state-dir', stateDir, '--verbose', ...(json ? ['--json'] : [])],
      {
        env: { DRILL_BEARER: bearer },
      },
    );
    assert.is(result.code, 1, result.stderr);
    // The step itself sent the real values.
    assert.equal(received.at(-1), { authorization: `Bearer ${bearer}`, note: `used ${token}` });
    const runFiles = files(join(stateDir, 'runs'));
    assert.ok(runFiles.some((f) => f.endsWith('journal.jsonl')));
    assert.ok(
      runFiles.some((f) => f.endsWith('report.json')),
      runFiles.join(', '),
    );
    const places: Array<[string, string]> = [
      ['stdout', result.stdout],
      ['stderr', result.stderr],
      ...runFiles.map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
    ];
    for (const [where, text] of places) {
      assert.not.ok(text.includes(token), `the input's value appears in ${where}`);
      assert.not.ok(text.includes(bearer), `the bearer token appears in ${where}`);
    }
    const journal = readFileSync(runFiles.find((f) => f.endsWith('journal.jsonl'))!, 'utf8');
    assert.ok(journal.includes('used ***'), 'the interpolated value is masked, the rest of the string kept');
    assert.ok(journal.includes('the token was ***'), 'the error message is masked');
  });
}

test('an unset ${{ secrets.X }} fails the step naming the variable', async () => {
  const dir = tmp('secrets-');
  const file = join(dir, 'unset.yaml');
  writeFileSync(
    file,
    `name: unset\nsteps:\n  - { id: a, type: writeFile, params: { path: ${dir}/a.txt, content: "\${{ secrets.NOT_SET_ANYWHERE_42 }}" } }\n`,
  );
  const result = await runCli(['run', file, '--state-dir', join(dir, 'state')], { env: { NOT_SET_ANYWHERE_42: undefined } });
  assert.is(result.code, 1);
  assert.match(result.stdout + result.stderr, /secret 'NOT_SET_ANYWHERE_42' is not set/);
});

test('SecretMasker: by value inside strings, URL-encoded, after an auth scheme, longest first', () => {
  const masker = new SecretMasker();
  masker.collect({ headers: { Authorization: 'Basic dXNlcjpwYXNz d29yZA==' }, nested: [{ apiKey: 'k/ey+with spaces' }] });
  masker.add('ab'); // too short to mask by value
  assert.is(masker.maskText('sent Basic dXNlcjpwYXNz d29yZA== once'), 'sent *** once');
  assert.is(masker.maskText('then dXNlcjpwYXNz alone'), 'then *** alone');
  assert.is(masker.maskText(`q=${encodeURIComponent('k/ey+with spaces')}`), 'q=***');
  assert.is(masker.maskText('about ab'), 'about ab');
  assert.equal(masker.maskValue({ note: 'k/ey+with spaces!', cookie: 'c' }), { note: '***!', cookie: '***' });
});

test.run();
