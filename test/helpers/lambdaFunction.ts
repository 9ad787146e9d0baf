import {
  CreateFunctionCommand,
  GetFunctionCommand,
  type CreateFunctionCommandInput,
  type CreateFunctionCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';

/** The role tests give their functions (the emulator, like LocalStack, does not check it). */
export const TEST_ROLE = 'arn:aws:iam::000000000000:role/r';

/** What {@link createNodeFunction} needs: a name and code; the rest has Node.js defaults. */
export type NodeFunctionInput = Partial<CreateFunctionCommandInput> & Pick<CreateFunctionCommandInput, 'FunctionName' | 'Code'>;

/** CreateFunction with `nodejs20.x`, `index.handler` and {@link TEST_ROLE} unless `input` says otherwise. */
export function createNodeFunction(client: LambdaClient, input: NodeFunctionInput): Promise<CreateFunctionCommandOutput> {
  return client.send(new CreateFunctionCommand({ Runtime: 'nodejs20.x', Handler: 'index.handler', Role: TEST_ROLE, ...input }));
}

/**
 * Polls GetFunction in real time until the function is Active (a new function is Pending for a
 * moment, as on AWS); throws if it is not after `timeoutMs`. For emulators on a real or scaled
 * clock: on a ManualClock, advance the clock instead.
 */
export async function waitUntilActive(client: LambdaClient, functionName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await client.send(new GetFunctionCommand({ FunctionName: functionName }))).Configuration?.State !== 'Active') {
    if (Date.now() > deadline) throw new Error(`${functionName} never became Active`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
