/**
 * API errors as a Kubernetes API server reports them: a `Status` object with the HTTP code, the machine-readable
 * reason and the message text clients show. The in-process API throws `ApiError`; the HTTP front serialises its
 * `status` unchanged, so kubectl and client-node print what they would print against a real cluster.
 */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;
  /** True for the client-side "no matches for kind" answer: the kind is not served (yet). */
  readonly noKindMatch: boolean;

  constructor(status: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'>, noKindMatch = false) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status };
    this.noKindMatch = noKindMatch;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** `deployments.apps` or `pods`: how messages name a resource. */
export function qualified(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(group: string, resource: string, name: string): ApiError {
  return new ApiError({
    code: 404,
    reason: 'NotFound',
    message: `${qualified(group, resource)} "${name}" not found`,
    details: { name, group: group || undefined, kind: resource },
  });
}

/** The answer for a URL the server does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
}

export function noKindMatch(kind: string, apiVersion: string): ApiError {
  return new ApiError(
    { code: 404, reason: 'NotFound', message: `no matches for kind "${kind}" in version "${apiVersion}"`, details: { kind } },
    true,
  );
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  return new ApiError({
    code: 409,
    reason: 'AlreadyExists',
    message: `${qualified(group, resource)} "${name}" already exists`,
    details: { name, group: group || undefined, kind: resource },
  });
}

export function conflict(group: string, resource: string, name: string, why: string, causes?: StatusCause[]): ApiError {
  return new ApiError({
    code: 409,
    reason: 'Conflict',
    message: `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": ${why}`,
    details: { name, group: group || undefined, kind: resource, causes },
  });
}

export const MODIFIED_CONFLICT = 'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(group: string, resource: string, name: string, why: string): ApiError {
  const q = qualified(group, resource);
  return new ApiError({
    code: 403,
    reason: 'Forbidden',
    message: name ? `${q} "${name}" is forbidden: ${why}` : `${q} is forbidden: ${why}`,
    details: { name: name || undefined, group: group || undefined, kind: resource },
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError({ code: 400, reason: 'BadRequest', message });
}

export function methodNotSupported(group: string, resource: string, action: string): ApiError {
  return new ApiError({
    code: 405,
    reason: 'MethodNotAllowed',
    message: `${action} is not supported on resources of kind "${qualified(group, resource)}"`,
    details: { group: group || undefined, kind: resource },
  });
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    details: { causes: contentType ? [{ reason: 'UnexpectedServerResponse', message: contentType }] : undefined },
  });
}

export function notAcceptable(accepted: string[]): ApiError {
  return new ApiError({
    code: 406,
    reason: 'NotAcceptable',
    message: `only the following media types are accepted: ${accepted.join(', ')}`,
  });
}

export function tooLarge(limit: number): ApiError {
  return new ApiError({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: limit is ${limit}` });
}

export function expired(message: string): ApiError {
  return new ApiError({ code: 410, reason: 'Expired', message });
}

export function internalError(message: string): ApiError {
  return new ApiError({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${message}`, details: { causes: [{ message }] } });
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError({ code: 503, reason: 'ServiceUnavailable', message });
}

/** One field error, in the shapes apimachinery's field.Error prints. */
export interface FieldError {
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueNotFound' | 'FieldValueTypeInvalid';
  field: string;
  /** The part after `field: `. */
  body: string;
}

/** Go's %#v-ish rendering of a bad value inside an Invalid message. */
function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

export const fieldErr = {
  invalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueInvalid', field, body: `Invalid value: ${showValue(value)}${detail ? `: ${detail}` : ''}` };
  },
  required(field: string, detail = ''): FieldError {
    return { type: 'FieldValueRequired', field, body: `Required value${detail ? `: ${detail}` : ''}` };
  },
  notSupported(field: string, value: unknown, supported: string[]): FieldError {
    return {
      type: 'FieldValueNotSupported',
      field,
      body: `Unsupported value: ${showValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
    };
  },
  forbidden(field: string, detail: string): FieldError {
    return { type: 'FieldValueForbidden', field, body: `Forbidden: ${detail}` };
  },
  duplicate(field: string, value: unknown): FieldError {
    return { type: 'FieldValueDuplicate', field, body: `Duplicate value: ${showValue(value)}` };
  },
  tooLong(field: string, max: number): FieldError {
    return { type: 'FieldValueTooLong', field, body: `Too long: may not be more than ${max} bytes` };
  },
  typeInvalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueTypeInvalid', field, body: `Invalid value: ${showValue(value)}: ${detail}` };
  },
};

/** 422 Invalid for `Kind.group "name"`, with one cause per field error. */
export function invalid(group: string, kind: string, name: string, errs: FieldError[]): ApiError {
  const qk = group ? `${kind}.${group}` : kind;
  const texts = errs.map((e) => (e.field ? `${e.field}: ${e.body}` : e.body));
  const agg = texts.length === 0 ? '' : texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return new ApiError({
    code: 422,
    reason: 'Invalid',
    message: agg ? `${qk} "${name}" is invalid: ${agg}` : `${qk} "${name}" is invalid`,
    details: { name, group: group || undefined, kind, causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })) },
  });
}

/** The Success status a DELETE answers with when the object is gone at once. */
export function successStatus(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}
