/**
 * Reading Prometheus text format in tests with an independent parser (parse-prometheus-text-format,
 * a port of the Prometheus Python client's parser), so what the agent serves is checked by what a
 * scraper would read, not by the library that wrote it.
 */
const parse = require('parse-prometheus-text-format') as (text: string) => MetricFamily[];

export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }[];
}

export function parsePrometheus(text: string): Map<string, MetricFamily> {
  return new Map(parse(text).map((f) => [f.name, f]));
}

/** The value of one sample of a family (the one whose labels include `labels`); undefined when absent. */
export function sample(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const m = families.get(name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  if (!m) return undefined;
  return Number(m.value ?? m.count);
}
