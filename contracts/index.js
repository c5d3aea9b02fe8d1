// Plain JavaScript with a hand-written index.d.ts: the package is data plus these paths, so it needs no
// build step and a consumer installed anywhere finds the files beside this module.
import { fileURLToPath } from 'node:url';

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

/** The directory holding openapi/, asyncapi/, schemas/ and examples/. */
export const contractsDir = here('.');
/** The HTTP contract between provider and platform (OpenAPI 3.1). */
export const openapiContract = here('./openapi/provider-platform.yaml');
/** The events on the bus (AsyncAPI 3). */
export const asyncapiContract = here('./asyncapi/events.yaml');
/** `schemas/events/<event_type>/<version>.json`, one JSON Schema 2020-12 per event payload. */
export const eventSchemasDir = here('./schemas/events');
