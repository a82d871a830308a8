import { describe, expect, it } from 'vitest';
import { TOPIC_INFO, TOPICS, topicsInUse } from './topics.ts';

describe('topics', () => {
  it('gives every topic a label and a one-sentence blurb', () => {
    for (const topic of TOPICS) {
      expect(TOPIC_INFO[topic].label.length).toBeGreaterThan(0);
      expect(TOPIC_INFO[topic].blurb).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('lists the topics in use once each, in canonical order', () => {
    expect(topicsInUse([['security', 'http'], ['http'], ['databases']])).toEqual(['http', 'databases', 'security']);
    expect(topicsInUse([])).toEqual([]);
  });
});
