/** What one invocation's CloudWatch log frame is made of. */
export interface LogFrame {
  requestId: string;
  functionVersion: string;
  memorySizeMb: number;
  /** Everything the invocation logged, in order. */
  lines: string[];
  durationMs: number;
  /** Resident memory the sandbox reported; a guess when it could not report. */
  maxMemoryUsedMb?: number;
  /** Init duration, on the first invocation of a sandbox only. */
  initMs?: number;
  status?: 'timeout' | 'error';
}

/** START … END … REPORT, as the Lambda service frames an invocation's log lines. */
export function frameLog(frame: LogFrame): string {
  const init = frame.initMs !== undefined ? `\tInit Duration: ${frame.initMs.toFixed(2)} ms` : '';
  const used = frame.maxMemoryUsedMb ?? Math.min(frame.memorySizeMb, 64);
  const { requestId, durationMs } = frame;
  return (
    `START RequestId: ${requestId} Version: ${frame.functionVersion}\n` +
    frame.lines.join('') +
    `END RequestId: ${requestId}\n` +
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\t` +
    `Memory Size: ${frame.memorySizeMb} MB\tMax Memory Used: ${Math.ceil(Math.min(used, frame.memorySizeMb))} MB${init}` +
    `${frame.status ? `\tStatus: ${frame.status}` : ''}\t\n`
  );
}
