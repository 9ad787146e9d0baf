/**
 * A request id as AWS writes them (`x-amzn-RequestId`): a version-4 UUID, lower-case hex.
 * From Math.random, not node:crypto: an id only tells requests apart (nothing guesses it), and
 * loading node:crypto before the first answer cost `engine serve` 3–8 ms of its start.
 */
export function requestId(): string {
  const hex = (bits: number) =>
    Math.floor(Math.random() * 2 ** bits)
      .toString(16)
      .padStart(bits / 4, '0');
  const variant = (8 + Math.floor(Math.random() * 4)).toString(16);
  return `${hex(32)}-${hex(16)}-4${hex(12)}-${variant}${hex(12)}-${hex(48)}`;
}
