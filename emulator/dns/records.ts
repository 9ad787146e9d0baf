import type { RecordType } from './answer.ts';

/**
 * DNS answer records in a wire-neutral shape: the resolver produces them, the DNS server
 * encodes them with dns2, the health checker reads addresses from them.
 */
export type DnsRecordData =
  | { type: 'A' | 'AAAA'; address: string }
  | { type: 'CNAME' | 'NS' | 'PTR'; target: string }
  | { type: 'MX'; priority: number; exchange: string }
  | { type: 'TXT' | 'SPF'; strings: string[] }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'CAA'; flags: number; tag: string; value: string }
  | {
      type: 'SOA';
      primary: string;
      admin: string;
      serial: number;
      refresh: number;
      retry: number;
      expiration: number;
      minimum: number;
    };

export type DnsRecord = DnsRecordData & { name: string; ttl: number };

/**
 * Parses one Route 53 value (`10 mail.example.com`, `"v=spf1 -all"`, ...) into record data.
 * Types dns2 3.0.0 cannot encode (NAPTR, DS, TLSA, SSHFP, SVCB, HTTPS) and malformed
 * values give undefined: the DNS server then leaves them out of the answer.
 */
export function parseRecordValue(type: RecordType, value: string): DnsRecordData | undefined {
  const v = value.trim();
  const fields = v.split(/\s+/);
  const int = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  switch (type) {
    case 'A':
    case 'AAAA':
      return { type, address: v };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type, target: fqdn(v) };
    case 'MX': {
      const priority = int(fields[0]);
      return priority === undefined || !fields[1] ? undefined : { type, priority, exchange: fqdn(fields[1]) };
    }
    case 'TXT':
    case 'SPF':
      return { type, strings: characterStrings(v) };
    case 'SRV': {
      const [priority, weight, port] = fields.slice(0, 3).map(int);
      if (priority === undefined || weight === undefined || port === undefined || !fields[3]) return undefined;
      return { type, priority, weight, port, target: fqdn(fields[3]) };
    }
    case 'CAA': {
      const m = /^(\d+)\s+(\S+)\s+(.*)$/.exec(v);
      if (!m) return undefined;
      return { type, flags: Number(m[1]), tag: m[2]!, value: characterStrings(m[3]!).join('') };
    }
    case 'SOA': {
      const nums = fields.slice(2).map(int);
      if (fields.length !== 7 || nums.some((n) => n === undefined)) return undefined;
      const [serial, refresh, retry, expiration, minimum] = nums as number[];
      return {
        type,
        primary: fqdn(fields[0]!),
        admin: fqdn(fields[1]!),
        serial: serial!,
        refresh: refresh!,
        retry: retry!,
        expiration: expiration!,
        minimum: minimum!,
      };
    }
    default:
      return undefined;
  }
}

function fqdn(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** TXT presentation format: quoted strings with `\"` and `\ddd` escapes; bare words allowed. */
export function characterStrings(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const quoted = text[i] === '"';
    if (quoted) i++;
    let s = '';
    while (i < text.length && (quoted ? text[i] !== '"' : !/\s/.test(text[i]!))) {
      if (text[i] === '\\' && i + 1 < text.length) {
        const digits = /^\d{3}/.exec(text.slice(i + 1));
        if (digits) {
          s += String.fromCharCode(Number(digits[0]));
          i += 4;
        } else {
          s += text[i + 1];
          i += 2;
        }
      } else s += text[i++];
    }
    if (quoted) i++;
    out.push(s);
  }
  return out;
}
