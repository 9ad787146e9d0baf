import { createHash } from 'node:crypto';
import { lazyRequire } from '../lazyRequire.ts';
import { ServiceError } from '../protocol/ServiceError.ts';

const fflate = lazyRequire<typeof import('fflate')>('fflate');

/** AWS's limits for a zip uploaded in the request (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 262_144_000;

const UNZIP_FAILED = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

/** A deployment package, checked and unpacked in memory. */
export interface CodePackage {
  zip: Buffer;
  /** base64 of the zip's SHA-256, as `CodeSha256`. */
  sha256: string;
  size: number;
  /** Relative POSIX paths → contents; directories end in `/` and have no content. */
  files: Map<string, Uint8Array>;
}

/**
 * Reads `Code.ZipFile` (base64 in restJson) into a package. Rejects what AWS rejects (not a zip,
 * over the size limits) and, beyond AWS, any entry that would land outside the function's folder
 * (`..`, absolute or drive paths: "zip slip"), with InvalidParameterValueException.
 */
export function readCodePackage(zipFile: unknown): CodePackage {
  if (typeof zipFile !== 'string' && !(zipFile instanceof Uint8Array)) {
    throw new ServiceError('InvalidParameterValueException', 'Please provide a source for function code.');
  }
  const zip = typeof zipFile === 'string' ? Buffer.from(zipFile, 'base64') : Buffer.from(zipFile);
  if (zip.length > MAX_ZIPPED_BYTES) {
    throw new ServiceError('RequestEntityTooLargeException', `Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`, { status: 413 });
  }
  if (zip.length < 4 || zip.readUInt32LE(0) !== 0x04034b50) throw new ServiceError('InvalidParameterValueException', UNZIP_FAILED);

  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = fflate().unzipSync(zip, {
      filter: (entry) => {
        checkEntryName(entry.name);
        declared += entry.originalSize;
        if (declared >= MAX_UNZIPPED_BYTES) {
          throw new ServiceError('InvalidParameterValueException', `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
        }
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw new ServiceError('InvalidParameterValueException', UNZIP_FAILED, { cause: err });
  }
  const entries = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) entries.set(normalizeEntryName(name), data);
  return { zip, sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length, files: entries };
}

function normalizeEntryName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function checkEntryName(raw: string): void {
  const name = raw.replace(/\\/g, '/');
  const unsafe =
    name.length === 0 ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((segment) => segment === '..');
  if (unsafe) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `${UNZIP_FAILED} Entry '${raw}' would be extracted outside the function's folder.`,
    );
  }
}
