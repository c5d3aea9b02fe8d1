/** The directory holding openapi/, asyncapi/, schemas/ and examples/. */
export declare const contractsDir: string;
/** The HTTP contract between provider and platform (OpenAPI 3.1). */
export declare const openapiContract: string;
/** The events on the bus (AsyncAPI 3). */
export declare const asyncapiContract: string;
/** `schemas/events/<event_type>/<version>.json`, one JSON Schema 2020-12 per event payload. */
export declare const eventSchemasDir: string;
