import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLink, externalLinks, formatReport, isOnline, mapLimit } from './external-links.ts';

// A loopback server standing in for the web: no network needed.
let server: Server;
let origin = '';
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const routes: Record<string, () => void> = {
      '/ok': () => res.writeHead(200).end('fine'),
      '/gone': () => res.writeHead(404).end(),
      '/r1': () => res.writeHead(301, { location: '/r2' }).end(),
      '/r2': () => res.writeHead(302, { location: '/ok' }).end(),
      '/loop': () => res.writeHead(302, { location: '/loop' }).end(),
      '/no-head': () => res.writeHead(req.method === 'HEAD' ? 405 : 200).end(),
      '/busy': () => res.writeHead(429).end(),
      '/wall': () => res.writeHead(403).end(),
      '/slow': () => undefined, // never answers
    };
    (routes[req.url ?? ''] ?? (() => res.writeHead(500).end()))();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
/** A loopback port nothing listens on: one a server just let go of. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('checkLink against a loopback server', () => {
  it.each([
    ['/ok', 'ok', '200'],
    ['/gone', 'dead', '404'],
    ['/r1', 'ok', '200'],
    ['/no-head', 'ok', '200'],
    ['/busy', 'unverifiable', '429'],
    ['/wall', 'unverifiable', '403'],
    ['/slow', 'unverifiable', 'timed out after 0.3 s'],
  ])('%s is %s (%s)', async (path, verdict, detail) => {
    expect(await checkLink(`${origin}${path}`, 300)).toEqual({ url: `${origin}${path}`, verdict, detail });
  });

  it('follows a redirect chain to its end', async () => {
    seen.length = 0;
    await checkLink(`${origin}/r1`, 300);
    expect(seen).toEqual(['HEAD /r1', 'HEAD /r2', 'HEAD /ok']);
  });

  it('falls back to GET when HEAD is refused', async () => {
    seen.length = 0;
    await checkLink(`${origin}/no-head`, 300);
    expect(seen).toEqual(['HEAD /no-head', 'GET /no-head']);
  });

  it('calls an endless redirect and a refused connection dead', async () => {
    expect((await checkLink(`${origin}/loop`, 1000)).verdict).toBe('dead');
    const url = `http://127.0.0.1:${await closedPort()}/`;
    expect(await checkLink(url, 300)).toEqual({ url, verdict: 'dead', detail: 'ECONNREFUSED' });
  });
});

describe('isOnline', () => {
  it('is true when the host answers and false when the connection fails (the offline path)', async () => {
    const port = Number(new URL(origin).port);
    expect(await isOnline('127.0.0.1', port, 300)).toBe(true);
    expect(await isOnline('127.0.0.1', await closedPort(), 300)).toBe(false);
  });

  it('is false when DNS cannot resolve the host', async () => {
    expect(await isOnline('no-such-host.invalid', 443, 300)).toBe(false);
  });
});

describe('externalLinks', () => {
  it('collects outgoing links once each, without fragments, with every page that links them', () => {
    const pages = [
      { file: 'a/index.html', html: '<a href="https://www.rfc-editor.org/rfc/rfc9110#section-15">x</a><a href="/handbook/b/">in</a>' },
      { file: 'b/index.html', html: '<a class="x" href="https://www.rfc-editor.org/rfc/rfc9110#section-9">y</a><a href="http://site/handbook/">self</a>' },
    ];
    expect(externalLinks(pages, 'http://site')).toEqual(new Map([['https://www.rfc-editor.org/rfc/rfc9110', ['a/index.html', 'b/index.html']]]));
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});

describe('formatReport', () => {
  it('lists dead links with the pages that link them, then the unverifiable ones', () => {
    const report = formatReport(
      [
        { url: 'https://a.example/', verdict: 'ok', detail: '200' },
        { url: 'https://b.example/', verdict: 'dead', detail: '404' },
        { url: 'https://c.example/', verdict: 'unverifiable', detail: '429' },
      ],
      new Map([['https://b.example/', ['questions/json/index.html']]]),
    );
    expect(report).toBe(
      [
        '3 external links: 1 ok, 1 dead, 1 unverifiable',
        '  dead  https://b.example/ (404)',
        '        linked from dist/questions/json/index.html',
        '  unverifiable  https://c.example/ (429); check it in a browser',
      ].join('\n'),
    );
  });
});
