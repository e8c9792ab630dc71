/** Small HTML shells shared by the hosted pages (payment page, 3-D Secure challenge). */
export const HTML = 'text/html; charset=utf-8';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.6rem 0}
input,button{font-size:1.1rem;padding:.35rem}</style></head><body>${body}</body></html>`;
}

export const messagePage = (message: string) => htmlPage('Holdfast', `<p>${escapeHtml(message)}</p>`);
