/** A free TCP port on the loopback interface, for a test's own server. */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => typeof address === 'object' && address
        ? resolve(address.port) : reject(new Error('no port')));
    });
  });
}
