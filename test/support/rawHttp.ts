/**
 * HTTP/1.1 as raw bytes, for what fetch refuses to send: a CR, LF or NUL
 * inside a header or the request line. The first answer is parsed just
 * enough to check it: status, headers and body.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The first complete answer in `bytes`, or undefined while it is still arriving. */
function firstAnswer(bytes: Buffer, closed: boolean): RawAnswer | undefined {
  const split = bytes.indexOf('\r\n\r\n');
  if (split < 0) return closed ? { status: 0, headers: {}, body: '' } : undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  const rest = bytes.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    const end = rest.indexOf('\r\n0\r\n\r\n');
    if (end < 0 && !rest.subarray(0, 5).equals(Buffer.from('0\r\n\r\n')))
      return closed ? { status, headers, body: rest.toString('utf8') } : undefined;
    // Enough for the short answers checked here: the chunks joined, sizes dropped.
    const chunks = rest
      .subarray(0, Math.max(end, 0))
      .toString('utf8')
      .split('\r\n')
      .filter((_, index) => index % 2 === 1);
    return { status, headers, body: chunks.join('') };
  }
  const length = Number(headers['content-length'] ?? (closed ? rest.length : Infinity));
  if (rest.length < length) return closed ? { status, headers, body: rest.toString('utf8') } : undefined;
  return { status, headers, body: rest.subarray(0, length).toString('utf8') };
}

/**
 * Sends `request` and resolves with the first answer. The socket is not
 * half-closed after writing: Node drops a request whose client has ended.
 */
export function sendRaw(url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const settle = (closed: boolean) => {
      const answer = firstAnswer(received, closed);
      if (!answer) return;
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settle(false);
    });
    socket.on('error', reject);
    socket.on('close', () => settle(true));
  });
}
