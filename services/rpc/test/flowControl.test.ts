import { connect } from 'node:http2';
import { defaultRpcOptions } from '../src/channel.js';
import { createServer, listen, stop } from '../src/server.js';

/** The SETTINGS a plain HTTP/2 client receives from our server, once it has sent `wanted`'s window. */
async function advertisedWindow(port: number, wanted: number): Promise<number | undefined> {
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(session.remoteSettings.initialWindowSize), 3_000);
      session.on('remoteSettings', (s) => {
        if (s.initialWindowSize === wanted) {
          clearTimeout(timer);
          resolve(s.initialWindowSize);
        }
      });
    });
  } finally {
    session.destroy();
  }
}

describe('the HTTP/2 flow-control window of our gRPC servers', () => {
  it('when a peer connects, then each stream may send a whole 16 MiB message before waiting for a window update', async () => {
    const server = createServer();
    const port = await listen(server, '127.0.0.1:0');
    try {
      expect(defaultRpcOptions.flowControlWindowBytes).toBe(16 * 1024 * 1024);
      expect(await advertisedWindow(port, defaultRpcOptions.flowControlWindowBytes)).toBe(16 * 1024 * 1024);
    } finally {
      await stop(server, 100);
    }
  });

  it('when a server is created with another window, then that one is advertised', async () => {
    const server = createServer({ flowControlWindowBytes: 1024 * 1024 });
    const port = await listen(server, '127.0.0.1:0');
    try {
      expect(await advertisedWindow(port, 1024 * 1024)).toBe(1024 * 1024);
    } finally {
      await stop(server, 100);
    }
  });
});
