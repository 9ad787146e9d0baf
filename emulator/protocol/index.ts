import type { Protocol, ProtocolService } from './Protocol.ts';
import { awsJson, type AwsJsonSettings } from './awsJson.ts';
import { query, type QuerySettings } from './query.ts';
import { restJson, type RestJsonSettings } from './restJson.ts';
import { restXml, type RestXmlSettings } from './restXml.ts';

/** A service's protocol and its settings, as its descriptor declares them. */
export type ProtocolSettings = AwsJsonSettings | RestJsonSettings | RestXmlSettings | QuerySettings;

type Factories = {
  [K in ProtocolSettings['name']]: (settings: Extract<ProtocolSettings, { name: K }>, service: ProtocolService) => Protocol;
};

/** The protocols by name, as LocalStack's `create_parser` table. A new protocol is one file and one line here. */
const PROTOCOLS: Factories = { awsJson, restJson, restXml, query };

export function createProtocol(settings: ProtocolSettings, service: ProtocolService): Protocol {
  const factory = PROTOCOLS[settings.name] as (settings: ProtocolSettings, service: ProtocolService) => Protocol;
  return factory(settings, service);
}

export type { Protocol, ProtocolService, Route } from './Protocol.ts';
