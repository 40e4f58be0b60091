import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics, OPERATION_LABELS_MAX } from './metrics';

test('operation labels are capped: after OPERATION_LABELS_MAX distinct names, new ones count as "other"', async () => {
  const m = new Metrics();
  for (let i = 0; i < OPERATION_LABELS_MAX + 50; i++) m.graphql(`Op${i}`, 'ok', 0.01);
  m.graphql('Op0', 'ok', 0.01); // a name seen before the cap keeps its label
  const text = await m.text();
  const labels = new Set([...text.matchAll(/staffgraph_graphql_requests_total\{operation="([^"]+)"/g)].map((x) => x[1]));
  assert.equal(labels.size, OPERATION_LABELS_MAX + 1);
  assert.ok(labels.has('other'));
  assert.ok(!labels.has(`Op${OPERATION_LABELS_MAX}`));
  assert.match(text, /staffgraph_graphql_requests_total\{operation="other",outcome="ok"\} 50/);
  assert.match(text, /staffgraph_graphql_requests_total\{operation="Op0",outcome="ok"\} 2/);
});

test('breaker state is a gauge per source: 0 closed, 1 open, 2 half-open', async () => {
  const m = new Metrics();
  m.breakerState('dental', 'open');
  m.breakerState('emr', 'half-open');
  m.breakerState('emr', 'closed');
  const text = await m.text();
  assert.match(text, /staffgraph_breaker_state\{source="dental"\} 1/);
  assert.match(text, /staffgraph_breaker_state\{source="emr"\} 0/);
});
