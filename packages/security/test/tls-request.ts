import { request } from 'node:https';

export interface TlsCall {
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  ca: string;
  cert?: string;
  key?: string;
}

export interface TlsAnswer {
  status: number;
  body: string;
  json: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS call with an optional client certificate; resolves with the answer or rejects on a TLS refusal. */
export function tlsCall(call: TlsCall): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: call.port,
        method: call.method ?? 'GET',
        path: call.path,
        headers: {
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...call.headers,
        },
        ca: call.ca,
        ...(call.cert ? { cert: call.cert, key: call.key } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {}
          resolve({ status: res.statusCode ?? 0, body, json, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (call.body !== undefined) req.write(call.body);
    req.end();
  });
}
