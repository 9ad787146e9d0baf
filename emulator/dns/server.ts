import type { EmulatorRuntime } from '../types.ts';

export interface DnsServerHandle {
  host: string;
  port: number;
  close(): Promise<void>;
}

// Placeholder until the DNS server lands.
export async function startDnsServer(options: { host: string; port: number; runtime: EmulatorRuntime }): Promise<DnsServerHandle> {
  return { host: options.host, port: options.port, close: async () => {} };
}
