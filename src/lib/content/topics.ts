/**
 * The subjects a question is filed under (frontmatter `topics`, one to
 * three). Each has a page at /topics/<topic>/ and a search and practice filter.
 */
export const TOPICS = [
  'http', 'api-design', 'databases', 'security', 'auth', 'reliability', 'architecture',
  'operations', 'observability', 'testing', 'tooling', 'performance', 'data',
] as const;

export type Topic = (typeof TOPICS)[number];

export interface TopicInfo {
  label: string;
  /** One sentence for the topic page and its meta description. */
  blurb: string;
}

export const TOPIC_INFO: Record<Topic, TopicInfo> = {
  http: { label: 'HTTP', blurb: 'Methods, status codes, headers, caching and the semantics RFC 9110 gives them.' },
  'api-design': { label: 'API design', blurb: 'Resources, errors, pagination, versioning and contracts that clients can rely on.' },
  databases: { label: 'Databases', blurb: 'Schemas, indexes, transactions, isolation and queries that stay fast.' },
  security: { label: 'Security', blurb: 'Input handling, secrets, signatures and the OWASP risks a backend must close.' },
  auth: { label: 'Authentication and authorization', blurb: 'Who the caller is, what they may do, and how sessions and tokens carry that.' },
  reliability: { label: 'Reliability', blurb: 'Retries, idempotency, timeouts and failure handling that keep a system correct.' },
  architecture: { label: 'Architecture', blurb: 'How services, layers and data flows are split, and what each split costs.' },
  operations: { label: 'Operations', blurb: 'Deploying, configuring and running services in production.' },
  observability: { label: 'Observability', blurb: 'Logs, metrics and traces that explain what a system is doing.' },
  testing: { label: 'Testing', blurb: 'Tests that catch real regressions, from units to contracts.' },
  tooling: { label: 'Tooling', blurb: 'Specs, generators and tools that keep an API and its clients in step.' },
  performance: { label: 'Performance', blurb: 'Latency, throughput, caching and where time really goes.' },
  data: { label: 'Data', blurb: 'Formats, encodings and moving data between systems.' },
};

/** Topics in their canonical order, keeping only those with at least one answer. */
export function topicsInUse(answerTopics: readonly (readonly Topic[])[]): Topic[] {
  const used = new Set(answerTopics.flat());
  return TOPICS.filter((t) => used.has(t));
}
