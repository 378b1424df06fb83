/**
 * On Node 20 the AWS SDK warns once per process that its releases after January 2027 need Node 22
 * (NodeVersionSupportWarning, 8 lines on stderr). The locked SDK works on Node 20 (package.json
 * engines), so the warning is noise: the CLI turns it off in bin/fanout.js, and test/setup-env.js
 * for the tests and the processes they start, with the SDK's own switch,
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true (aws/aws-sdk-js-v3#7983).
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';

test('SDK clients made in the tests emit no NodeVersionSupportWarning, even on Node 20', () => {
  // The SDK checks process.version when a client is made: claim Node 20 whatever runs the test.
  const version = Object.getOwnPropertyDescriptor(process, 'version')!;
  Object.defineProperty(process, 'version', { value: 'v20.18.1', configurable: true });
  const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    // A fresh module registry: the SDK warns once per loaded copy, and another test may have loaded it.
    jest.isolateModules(() => {
      const lambda = require('@aws-sdk/client-lambda') as { LambdaClient: typeof LambdaClient };
      const s3 = require('@aws-sdk/client-s3') as { S3Client: typeof S3Client };
      new lambda.LambdaClient({ region: 'us-east-1' }).destroy();
      new s3.S3Client({ region: 'us-east-1' }).destroy();
    });

    expect(emitWarning.mock.calls.map(([warning]) => String(warning)).filter((w) => w.includes('NodeVersionSupportWarning'))).toStrictEqual([]);
  } finally {
    emitWarning.mockRestore();
    Object.defineProperty(process, 'version', version);
  }
});
