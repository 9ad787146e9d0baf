/**
 * Every page of a paginated AWS listing, in order: `fetch(token)` gets one page (no token for
 * the first), `next(page)` reads the token of the page after it (undefined on the last). The
 * SDK's own paginators would do the same, but the pinned clients' paginators cannot pass the
 * step's abort signal to each call; this one leaves the call, signal included, to `fetch`.
 */
export async function* pages<P>(
  fetch: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
): AsyncGenerator<P> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield page;
    token = next(page);
  } while (token);
}

/** Route 53's `IsTruncated` + `NextMarker` convention. */
export function nextMarker(page: { IsTruncated?: boolean; NextMarker?: string }): string | undefined {
  return page.IsTruncated ? page.NextMarker : undefined;
}
