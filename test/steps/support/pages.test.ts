import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nextMarker, pages } from '../../../steps/support/pages.ts';

/** The paging helper the steps and the sweep use for every token-paginated AWS listing. */
const test = suite('steps/support/pages');

test('follows the tokens to the last page, asking with each one in turn', async () => {
  const asked: Array<string | undefined> = [];
  const book: Record<string, { items: number[]; next?: string }> = {
    first: { items: [1, 2], next: 'b' },
    b: { items: [3], next: 'c' },
    c: { items: [4] },
  };
  const fetch = async (token?: string) => {
    asked.push(token);
    return book[token ?? 'first']!;
  };
  const seen: number[] = [];
  for await (const page of pages(fetch, (p) => p.next)) seen.push(...page.items);
  assert.equal(seen, [1, 2, 3, 4]);
  assert.equal(asked, [undefined, 'b', 'c']);
});

test('a caller that stops early asks for no further page', async () => {
  let calls = 0;
  const fetch = async () => ({ n: ++calls, next: 'more' });
  for await (const page of pages(fetch, (p) => p.next)) if (page.n === 2) break;
  assert.is(calls, 2);
});

test("Route 53's marker: only a truncated page has a next one", () => {
  assert.is(nextMarker({ IsTruncated: true, NextMarker: 'm' }), 'm');
  assert.is(nextMarker({ IsTruncated: false, NextMarker: 'm' }), undefined);
});

test.run();
