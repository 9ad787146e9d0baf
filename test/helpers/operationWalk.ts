/**
 * Walks every operation of an AWS SDK v3 client package (its exported `*Command` classes, which
 * are the service's API model) against the emulator with minimal input, and sorts each answer:
 * - `ok`: a success;
 * - `modelled`: a 4xx whose code the model declares (an exported exception class) or one of
 *   AWS's common errors, so a client can act on it;
 * - `notImplemented`: 501 whose message names the operation;
 * - `wrong`: anything else (404/405/500 for a known operation, a 501 naming something else,
 *   an unmodelled code), which is what the walk is there to find.
 * HTTP labels the SDK refuses to send empty are filled with placeholder values, one at a time.
 */

/** Errors every AWS service may answer besides its modelled ones (AWS common errors). */
const COMMON_ERRORS = new Set([
  'ValidationException',
  'SerializationException',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'MissingParameter',
  'InvalidQueryParameter',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ThrottlingException',
  'RequestEntityTooLargeException',
]);

export type WalkOutcome = 'ok' | 'modelled' | 'notImplemented' | 'wrong';

export interface WalkResult {
  operation: string;
  outcome: WalkOutcome;
  /** Status, code and message of an error answer. */
  detail: string;
}

type CommandClass = new (input: Record<string, unknown>) => unknown;
interface SendingClient {
  send(command: never): Promise<unknown>;
}
type SdkError = Error & { $metadata?: { httpStatusCode?: number } };

/** The operation names of an SDK package, from its `<Operation>Command` exports. */
export function operationNames(sdk: Record<string, unknown>): string[] {
  return Object.keys(sdk)
    .filter((k) => k.endsWith('Command') && k !== 'Command' && !k.startsWith('$') && typeof sdk[k] === 'function')
    .map((k) => k.slice(0, -'Command'.length))
    .sort();
}

/** Sends `operation` with `{}` plus placeholder labels (and `extra`), and classifies the answer. */
export async function walkOne(
  sdk: Record<string, unknown>,
  client: SendingClient,
  operation: string,
  extra: Record<string, unknown> = {},
): Promise<WalkResult> {
  const Command = sdk[`${operation}Command`] as CommandClass;
  const input: Record<string, unknown> = { ...extra };
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      await client.send(new Command(input) as never);
      return { operation, outcome: 'ok', detail: '' };
    } catch (err) {
      const e = err as SdkError;
      const label = /(?:Empty|No) value provided for input HTTP label: (\w+)/.exec(e.message ?? '')?.[1];
      if (label && e.$metadata === undefined) {
        input[label] = 'placeholder1';
        continue;
      }
      return classify(sdk, operation, e);
    }
  }
  return { operation, outcome: 'wrong', detail: 'the SDK kept refusing to send it' };
}

function classify(sdk: Record<string, unknown>, operation: string, e: SdkError): WalkResult {
  const status = e.$metadata?.httpStatusCode;
  const detail = `${status ?? 'no status'} ${e.name}: ${e.message}`;
  if (status === 501) {
    return { operation, outcome: e.message.includes(`'${operation}'`) ? 'notImplemented' : 'wrong', detail };
  }
  if (status === undefined || status < 400 || status >= 500 || status === 405) return { operation, outcome: 'wrong', detail };
  const modelled = typeof sdk[e.name] === 'function' && e.name.length > 0;
  return { operation, outcome: modelled || COMMON_ERRORS.has(e.name) ? 'modelled' : 'wrong', detail };
}
