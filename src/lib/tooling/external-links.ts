/**
 * The logic of `npm run links:external`: collect the site's outgoing links,
 * check each once with limited concurrency, and sort them into ok, dead and
 * unverifiable. Network access is passed in, so tests use a loopback server.
 */
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';

export type Verdict = 'ok' | 'dead' | 'unverifiable';

export interface LinkResult {
  url: string;
  verdict: Verdict;
  /** The final status, or why there is none ("timed out after 10 s", "ENOTFOUND"). */
  detail: string;
}

/**
 * Outgoing http(s) links of `<a href>` on each page, without fragments,
 * mapped to the pages that link them. Links to `ownOrigin` are internal
 * and checked by tests/site instead.
 */
export function externalLinks(pages: readonly { file: string; html: string }[], ownOrigin: string): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const page of pages) {
    for (const match of page.html.matchAll(/<a\b[^>]*\shref="(https?:\/\/[^"]+)"/g)) {
      const url = new URL(match[1]!.replaceAll('&amp;', '&'));
      if (url.origin === ownOrigin) continue;
      url.hash = '';
      const linkers = links.get(url.href) ?? [];
      if (!linkers.includes(page.file)) linkers.push(page.file);
      links.set(url.href, linkers);
    }
  }
  return links;
}

/**
 * 429 is rate limiting, and a 403 to a script is usually a bot wall
 * (Cloudflare, Akamai, AWS WAF) in front of a page a browser can read: the
 * link may well be fine, so neither counts as dead.
 */
const UNVERIFIABLE = new Set([403, 429]);

/**
 * HEAD first (cheap), then GET when HEAD is refused or fails, since many
 * servers answer HEAD with 405 or 404. Redirects are followed.
 */
export async function checkLink(url: string, timeoutMs: number, fetchFn: typeof fetch = fetch): Promise<LinkResult> {
  const attempt = async (method: 'HEAD' | 'GET'): Promise<LinkResult> => {
    try {
      const response = await fetchFn(url, { method, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'handbook-link-check' } });
      await response.body?.cancel();
      const verdict: Verdict = response.ok ? 'ok' : UNVERIFIABLE.has(response.status) ? 'unverifiable' : 'dead';
      return { url, verdict, detail: String(response.status) };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError') return { url, verdict: 'unverifiable', detail: `timed out after ${timeoutMs / 1000} s` };
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const code = (cause as { code?: string }).code ?? (cause instanceof Error ? cause.message : String(cause));
      return { url, verdict: 'dead', detail: code };
    }
  };
  const head = await attempt('HEAD');
  return head.verdict === 'ok' ? head : attempt('GET');
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping their order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Whether the network is reachable: a DNS lookup of a well-known host, then a TCP connect to it. */
export async function isOnline(host: string, port: number, timeoutMs: number): Promise<boolean> {
  try {
    const { address } = await lookup(host);
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: address, port, timeout: timeoutMs });
      socket.once('connect', () => (socket.end(), resolve()));
      socket.once('timeout', () => (socket.destroy(), reject(new Error('timeout'))));
      socket.once('error', reject);
    });
    return true;
  } catch {
    return false;
  }
}

/** The report: dead links with the pages that link them, then the unverifiable ones. */
export function formatReport(results: readonly LinkResult[], linkers: ReadonlyMap<string, string[]>): string {
  const dead = results.filter((r) => r.verdict === 'dead');
  const unsure = results.filter((r) => r.verdict === 'unverifiable');
  const lines = [`${results.length} external links: ${results.length - dead.length - unsure.length} ok, ${dead.length} dead, ${unsure.length} unverifiable`];
  for (const r of dead) lines.push(`  dead  ${r.url} (${r.detail})`, ...(linkers.get(r.url) ?? []).map((f) => `        linked from dist/${f}`));
  for (const r of unsure) lines.push(`  unverifiable  ${r.url} (${r.detail}); check it in a browser`);
  return lines.join('\n');
}
