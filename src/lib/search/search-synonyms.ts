/**
 * Names that mean the same thing, so a search for one finds pages that use
 * another: abbreviations and their long forms, and HTTP status codes and
 * their reason phrases (RFC 9110, section 15; 429 from RFC 6585, section 4).
 * Each form is written as a reader would type it; search-query.ts matches
 * them against the query and searches every form of a group; a form of
 * several words must appear as a phrase.
 *
 * Add a group when readers use a short form the pages spell out (or the
 * other way round). Keep forms specific: a one-word form that is an
 * everyday word ("created", "conflict") would pull in every page that uses
 * it, so 201 and 409 are left out while "gone" and "forbidden" are in.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  // Security and identity
  ['jwt', 'json web token'],
  ['rbac', 'role based access control'],
  ['abac', 'attribute based access control'],
  ['cors', 'cross origin resource sharing'],
  ['csrf', 'cross site request forgery'],
  ['xss', 'cross site scripting'],
  ['ssrf', 'server side request forgery'],
  ['sqli', 'sql injection'],
  ['idor', 'insecure direct object reference'],
  ['hmac', 'hash based message authentication code'],
  ['mfa', 'multi factor authentication', '2fa', 'two factor authentication'],
  ['sso', 'single sign on'],
  ['oidc', 'openid connect'],
  ['tls', 'transport layer security'],
  ['mtls', 'mutual tls'],
  ['pii', 'personally identifiable information', 'personal data'],
  ['gdpr', 'general data protection regulation'],
  ['rls', 'row level security'],
  // Everyday names
  ['backend', 'back end', 'server side'],
  ['http method', 'http verb'],
  // Data
  ['db', 'database'],
  ['orm', 'object relational mapping', 'object relational mapper'],
  ['n+1', 'n plus one', 'n plus 1'],
  ['pk', 'primary key'],
  ['fk', 'foreign key'],
  ['uuid', 'universally unique identifier', 'guid'],
  ['2pc', 'two phase commit'],
  ['cdc', 'change data capture'],
  ['cqrs', 'command query responsibility segregation'],
  ['ttl', 'time to live'],
  ['etag', 'entity tag'],
  // Messaging, operations and architecture
  ['dlq', 'dead letter queue'],
  ['slo', 'service level objective'],
  ['sla', 'service level agreement'],
  ['sli', 'service level indicator'],
  ['rto', 'recovery time objective'],
  ['rpo', 'recovery point objective'],
  ['rps', 'requests per second'],
  ['otel', 'opentelemetry'],
  ['k8s', 'kubernetes'],
  ['cdn', 'content delivery network'],
  ['ddd', 'domain driven design'],
  ['rpc', 'remote procedure call'],
  ['protobuf', 'protocol buffers'],
  ['rest', 'representational state transfer'],
  ['hateoas', 'hypermedia as the engine of application state', 'hypermedia'],
  ['crud', 'create read update delete'],
  ['env var', 'environment variable'],
  // HTTP status codes and their reason phrases
  ['204', 'no content'],
  ['304', 'not modified'],
  ['400', 'bad request'],
  ['401', 'unauthorized'],
  ['403', 'forbidden'],
  ['404', 'not found'],
  ['405', 'method not allowed'],
  ['406', 'not acceptable'],
  ['410', 'gone'],
  ['412', 'precondition failed'],
  ['413', 'content too large', 'payload too large'],
  ['415', 'unsupported media type'],
  ['422', 'unprocessable content', 'unprocessable entity'],
  ['429', 'too many requests'],
  ['500', 'internal server error'],
  ['502', 'bad gateway'],
  ['503', 'service unavailable'],
  ['504', 'gateway timeout'],
];
