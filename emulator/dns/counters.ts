/**
 * Indices into the DNS server's counters (a Uint32Array the main thread reads while the DNS
 * thread writes). Apart from the server's code, so the main thread reads them without loading
 * the DNS wire code, which only the DNS thread runs.
 */
export const ANSWERED = 0;
export const DROPPED = 1;
