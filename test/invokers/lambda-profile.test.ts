/**
 * `--profile nosuch`: the SDK only says it could load no credentials (or, without a region, that the
 * region is missing). The invoker names the profile, lists the ones the shared files define, and
 * says how to create it. The shared files live in a temporary HOME; nothing reaches the network (the
 * endpoint is a closed loopback port, and the SDK fails before it would connect).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AwsProfileNotFoundError, profileNames, sharedConfigFiles } from '../../orchestrator/invokers/aws-profile';
import { LambdaInvoker, LambdaSetupError } from '../../orchestrator/invokers/lambda';
import { InvokeError } from '../../orchestrator/invoker';
import { runCli } from '../cli/run-cli';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-aws-home-'));
const configFile = path.join(home, '.aws', 'config');
const credentialsFile = path.join(home, '.aws', 'credentials');
/** The environment of a machine with those files and nothing else: no credentials in variables, no instance metadata. */
const ENV = { HOME: home, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_EC2_METADATA_DISABLED: 'true' };
const CLEARED = ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  fs.mkdirSync(path.join(home, '.aws'));
  fs.writeFileSync(configFile, '[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n\n[sso-session corp]\nsso_region = us-east-1\n');
  fs.writeFileSync(
    credentialsFile,
    '# comment\n[ ci ]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret\n\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret\n',
  );
  for (const key of [...Object.keys(ENV), ...CLEARED]) saved[key] = process.env[key];
  for (const key of CLEARED) delete process.env[key];
  Object.assign(process.env, ENV);
});
afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  fs.rmSync(home, { recursive: true, force: true });
});

/** The rejection of one invoke through an invoker made with `options`. */
async function invokeWith(options: { profile?: string; region?: string }) {
  const invoker = new LambdaInvoker({ functionName: 'fanout-worker', endpoint: 'http://127.0.0.1:9', ...options });
  try {
    return await invoker.invoke({ runId: 'r', chunkId: 'c1', urls: ['https://example.com/'] }).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    await invoker.close();
  }
}

describe('a named AWS profile that does not exist', () => {
  test('the shared files define default and dev (config), ci and dev (credentials); an sso-session is not a profile', () => {
    expect(sharedConfigFiles()).toStrictEqual({ config: configFile, credentials: credentialsFile });
    expect(profileNames(sharedConfigFiles())).toStrictEqual(['ci', 'default', 'dev']);
  });

  it.each([
    ['with a region', { profile: 'nosuch', region: 'us-east-1' }],
    ['without a region', { profile: 'nosuch' }],
  ])('--profile nosuch %s: AwsProfileNotFoundError names it, lists the others and says how to create it', async (_name, options) => {
    const error = await invokeWith(options);

    expect(error).toBeInstanceOf(AwsProfileNotFoundError);
    expect(error).toMatchObject({ code: 'FANOUT_AWS_PROFILE_NOT_FOUND', userFacing: true, profile: 'nosuch', source: 'option', knownProfiles: ['ci', 'default', 'dev'] });
    expect((error as Error).message).toBe(
      `AWS profile "nosuch" is not in ${configFile} or ${credentialsFile} (profiles there: ci, default, dev). ` +
        'Create it with `aws configure --profile nosuch` (or `aws configure sso --profile nosuch`), or use one of those.',
    );
  });

  test('AWS_PROFILE=nosuch (no option) is named too, and says where the name came from', async () => {
    process.env.AWS_PROFILE = 'nosuch';
    try {
      const error = await invokeWith({ region: 'us-east-1' });
      expect(error).toBeInstanceOf(AwsProfileNotFoundError);
      expect((error as Error).message).toMatch(/^AWS profile "nosuch" \(from AWS_PROFILE\) is not in /);
    } finally {
      delete process.env.AWS_PROFILE;
    }
  });

  test('a profile that exists is not blamed: its credentials load and the invoke fails on the (closed) endpoint', async () => {
    const error = await invokeWith({ profile: 'dev', region: 'us-east-1' });
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason: 'network' });
  });

  test('no profile named and no credentials: the generic setup error stays', async () => {
    const error = await invokeWith({ region: 'us-east-1' });
    // default has no credentials: the SDK's credentials chain fails, and no profile is to blame.
    expect(error).toBeInstanceOf(LambdaSetupError);
    expect((error as Error).message).toMatch(/no AWS credentials to invoke fanout-worker/);
  });

  test('fanout run --mode lambda --profile nosuch exits 1 with that message', async () => {
    const list = path.join(home, 'urls.txt');
    fs.writeFileSync(list, 'https://example.com/\n');
    const env = { ...ENV, ...Object.fromEntries(CLEARED.map((key) => [key, ''])), FANOUT_FUNCTION: '' };

    const result = await runCli(
      ['run', list, '--mode', 'lambda', '--function', 'fanout-worker', '--profile', 'nosuch', '--region', 'us-east-1', '--endpoint', 'http://127.0.0.1:9', '--quiet'],
      { env },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/AWS profile "nosuch" is not in .* \(profiles there: ci, default, dev\)\. Create it with `aws configure --profile nosuch`/);
    expect(result.stdout).toBe('');
  });
});
