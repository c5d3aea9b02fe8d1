/**
 * The read side of the Confluent Schema Registry REST API over `contracts/schemas/events/`, so a
 * consumer's existing registry client can fetch the event schemas from the sandbox. Subjects follow
 * the topic-name strategy (`<event_type>-value`); registry versions count 1, 2, … in SemVer order and
 * the schema's own `schema_version` travels in `metadata.properties`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

export interface RegisteredSchema {
  id: number;
  subject: string;
  version: number;
  schemaVersion: string;
  schema: string;
  references: Array<{ name: string; subject: string; version: number }>;
}

export function loadSchemaRegistry(schemasDir: string): RegisteredSchema[] {
  const bySubject = new Map<string, Array<{ schemaVersion: string; text: string; file: string }>>();
  for (const name of readdirSync(schemasDir).sort()) {
    const dir = path.join(schemasDir, name);
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const file of files) {
      const list = bySubject.get(`${name}-value`) ?? [];
      list.push({
        schemaVersion: file.replace(/\.json$/, ''),
        text: readFileSync(path.join(dir, file), 'utf8'),
        file: `${name}/${file}`,
      });
      bySubject.set(`${name}-value`, list);
    }
  }
  const schemas: RegisteredSchema[] = [];
  const versionOfFile = new Map<string, { subject: string; version: number }>();
  for (const [subject, list] of [...bySubject].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => compareSemver(a.schemaVersion, b.schemaVersion));
    list.forEach((entry, index) => {
      versionOfFile.set(entry.file, { subject, version: index + 1 });
      schemas.push({
        id: schemas.length + 1,
        subject,
        version: index + 1,
        schemaVersion: entry.schemaVersion,
        schema: JSON.stringify(JSON.parse(entry.text)),
        references: [],
      });
    });
  }
  // References: every relative `$ref` to another schema file, as Confluent JSON Schema references.
  for (const schema of schemas) {
    const own = schema.subject.replace(/-value$/, '');
    for (const match of schema.schema.matchAll(/"\$ref":"(\.\.\/[^"#]+\.json)/g)) {
      const target = path.posix.normalize(path.posix.join(own, match[1] as string));
      const found = versionOfFile.get(target);
      if (found && !schema.references.some((r) => r.name === match[1])) {
        schema.references.push({ name: match[1] as string, ...found });
      }
    }
  }
  return schemas;
}

function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Registers `GET {prefix}/subjects…` and `GET {prefix}/schemas/ids/{id}…`. */
export function schemaRegistryRoutes(schemas: RegisteredSchema[]) {
  return async (app: FastifyInstance) => {
    const view = (s: RegisteredSchema) => ({
      subject: s.subject,
      version: s.version,
      id: s.id,
      schemaType: 'JSON',
      schema: s.schema,
      ...(s.references.length > 0 ? { references: s.references } : {}),
      metadata: { properties: { schema_version: s.schemaVersion } },
    });
    const notFound = (reply: import('fastify').FastifyReply, errorCode: number, message: string) =>
      reply.code(404).type(CONTENT_TYPE).send({ error_code: errorCode, message });

    app.get('/subjects', async (_request, reply) =>
      reply.type(CONTENT_TYPE).send([...new Set(schemas.map((s) => s.subject))]),
    );
    app.get<{ Params: { subject: string } }>('/subjects/:subject/versions', async (request, reply) => {
      const versions = schemas.filter((s) => s.subject === request.params.subject).map((s) => s.version);
      if (versions.length === 0)
        return notFound(reply, 40401, `Subject '${request.params.subject}' not found.`);
      return reply.type(CONTENT_TYPE).send(versions);
    });
    app.get<{ Params: { subject: string; version: string } }>(
      '/subjects/:subject/versions/:version',
      async (request, reply) => {
        const list = schemas.filter((s) => s.subject === request.params.subject);
        if (list.length === 0)
          return notFound(reply, 40401, `Subject '${request.params.subject}' not found.`);
        const wanted = request.params.version;
        const found = wanted === 'latest' ? list.at(-1) : list.find((s) => String(s.version) === wanted);
        if (!found) return notFound(reply, 40402, `Version ${wanted} not found.`);
        return reply.type(CONTENT_TYPE).send(view(found));
      },
    );
    app.get<{ Params: { subject: string; version: string } }>(
      '/subjects/:subject/versions/:version/schema',
      async (request, reply) => {
        const list = schemas.filter((s) => s.subject === request.params.subject);
        const wanted = request.params.version;
        const found = wanted === 'latest' ? list.at(-1) : list.find((s) => String(s.version) === wanted);
        if (!found)
          return notFound(reply, 40402, `Version ${wanted} of '${request.params.subject}' not found.`);
        return reply.type(CONTENT_TYPE).send(found.schema);
      },
    );
    app.get<{ Params: { id: string } }>('/schemas/ids/:id', async (request, reply) => {
      const found = schemas.find((s) => String(s.id) === request.params.id);
      if (!found) return notFound(reply, 40403, `Schema ${request.params.id} not found`);
      const { subject: _subject, version: _version, id: _id, ...rest } = view(found);
      return reply.type(CONTENT_TYPE).send(rest);
    });
    app.get<{ Params: { id: string } }>('/schemas/ids/:id/versions', async (request, reply) => {
      const found = schemas.find((s) => String(s.id) === request.params.id);
      if (!found) return notFound(reply, 40403, `Schema ${request.params.id} not found`);
      return reply.type(CONTENT_TYPE).send([{ subject: found.subject, version: found.version }]);
    });
  };
}
