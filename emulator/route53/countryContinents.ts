/**
 * The continent of a country (ISO 3166-1 alpha-2 → Route 53's continent codes AF, AN, AS, EU,
 * NA, OC, SA), so that a client configured by country also matches continent records. A data
 * table of the countries drills commonly name; a country missing here matches no continent
 * record unless the client's continent is configured too (`clientContinent`).
 */
const BY_CONTINENT: Readonly<Record<string, string>> = {
  AF: 'DZ AO BJ BW BF BI CM CV CF TD KM CD CG CI DJ EG GQ ER ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD SZ TZ TG TN UG ZM ZW',
  AN: 'AQ',
  AS: 'AF AM AZ BH BD BT BN KH CN GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE',
  EU: 'AL AD AT BY BE BA BG HR CY CZ DK EE FO FI FR DE GI GR HU IS IE IT XK LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA',
  NA: 'AG BS BB BZ CA CR CU DM DO SV GD GT HT HN JM MX NI PA KN LC VC TT US PR GL BM',
  OC: 'AU FJ KI MH FM NR NZ PW PG WS SB TO TV VU',
  SA: 'AR BO BR CL CO EC GY PY PE SR UY VE',
};

const CONTINENT_OF = new Map<string, string>(
  Object.entries(BY_CONTINENT).flatMap(([continent, countries]) => countries.split(' ').map((country) => [country, continent] as const)),
);

export function continentOf(countryCode: string): string | undefined {
  return CONTINENT_OF.get(countryCode.toUpperCase());
}
