/**
 * Sends a hosted page's form the way a browser does: opens the page first (which sets the CSRF
 * cookie and puts the token in the form), then posts the fields with both. A page that shows no
 * form (a used link) gets the fields posted without a token.
 */
export interface PostedForm {
  status: number;
  location: string | null;
  body: string;
}

export interface OpenedPage {
  status: number;
  html: string;
  headers: Headers;
  cookie: string;
  /** The page's CSRF token (the first form's), or '' when the page has no form. */
  token: string;
  /** The page's attempt id (checkout page), or ''. */
  attempt: string;
}

export async function openHostedPage(url: string): Promise<OpenedPage> {
  const page = await fetch(url, { redirect: 'manual' });
  const html = await page.text();
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    status: page.status,
    html,
    headers: page.headers,
    cookie,
    token: /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '',
    attempt: /name="attempt" value="([^"]*)"/.exec(html)?.[1] ?? '',
  };
}

export async function postHostedForm(
  page: Pick<OpenedPage, 'cookie' | 'token'> & { attempt?: string },
  url: string,
  fields: Record<string, string>,
): Promise<PostedForm> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(page.cookie ? { cookie: page.cookie } : {}) },
    body: new URLSearchParams({
      ...(page.token ? { _csrf: page.token } : {}),
      ...(page.attempt ? { attempt: page.attempt } : {}),
      ...fields,
    }).toString(),
  });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

/** Opens the page at `url` and sends its form with `fields`. */
export async function submitHostedForm(url: string, fields: Record<string, string>): Promise<PostedForm> {
  return postHostedForm(await openHostedPage(url), url, fields);
}

/** Pays on a hosted checkout page as a customer would: opens it, fills the card form, sends it. */
export function payOnHostedPage(url: string, cardNumber: string, name = 'Page Payer'): Promise<PostedForm> {
  return submitHostedForm(url, { card_number: cardNumber, expiry: '12/34', cvv: '123', name });
}

/** The return to the merchant a posted form led to (see merchant-return.ts). */
export const answerOf = (posted: PostedForm) => ({ status: posted.status, location: posted.location, html: posted.body });
