// `npm run bench`: every benchmark of the project, one after the other.
import { benchEngine } from './engine.ts';

await benchEngine();
