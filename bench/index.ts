// `npm run bench`: every benchmark of the project, one after the other, each printing its
// figures. `npm run bench -- dns lambda` runs only the named ones.
import { benchEngine } from './engine.ts';

const benches: Record<string, () => Promise<void>> = {
  engine: async () => void (await benchEngine()),
  gateway: async () => (await import('./gateway.ts')).run(),
  dns: async () => (await import('./dns.ts')).run(),
  dynamodb: async () => (await import('./dynamodb.ts')).run(),
  lambda: async () => (await import('./lambda.ts')).run(),
  apigateway: async () => (await import('./apigateway.ts')).run(),
  drill: async () => (await import('./drill.ts')).run(),
  'drill-floor': async () => (await import('./drill.ts')).runFloor(),
  start: async () => (await import('./start.ts')).run(),
};

const wanted = process.argv.slice(2);
for (const name of wanted)
  if (!(name in benches)) throw new Error(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(', ')}`);
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n== ${name}`);
  await bench();
}
