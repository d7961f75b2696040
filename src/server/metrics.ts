// Prometheus text exposition of the process's counters, without a client library: a few counters and histograms.

type Labels = Record<string, string>;
export interface Gauge {
  name: string;
  help: string;
  values: [Labels, number][];
}

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}="${value.replace(/["\\\n]/g, "_")}"`)
    .join(",");

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  value(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels ? `{${labels}}` : ""} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const k = key(labels);
    const entry = this.series.get(k) ?? { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
    this.bounds.forEach((bound, i) => {
      if (value <= bound) entry.buckets[i]!++;
    });
    entry.sum += value;
    entry.count++;
    this.series.set(k, entry);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [labels, entry] of this.series) {
      const prefix = labels ? `${labels},` : "";
      this.bounds.forEach((bound, i) => lines.push(`${this.name}_bucket{${prefix}le="${bound}"} ${entry.buckets[i]}`));
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${entry.count}`);
      lines.push(`${this.name}_sum${labels ? `{${labels}}` : ""} ${entry.sum}`);
      lines.push(`${this.name}_count${labels ? `{${labels}}` : ""} ${entry.count}`);
    }
    return lines;
  }
}

/** The process's metrics; gauges read from the database are added at scrape time by the HTTP server. */
export const metrics = {
  updates: new Counter("chibo_updates_handled_total", "Updates handled, by platform and kind."),
  handlerSeconds: new Histogram(
    "chibo_update_handler_seconds",
    "Time to handle one update.",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ),
  errors: new Counter("chibo_update_errors_total", "Updates whose handling failed unexpectedly (not a refusal)."),
  sends: new Counter("chibo_outbox_sends_total", "Outbox deliveries, by platform and outcome (sent, deferred, failed)."),
  rateLimited: new Counter("chibo_rate_limited_total", "429 answers from a platform, by platform."),
};

export function renderMetrics(gauges: Gauge[]): string {
  const lines = Object.values(metrics).flatMap((metric) => metric.render());
  for (const gauge of gauges) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
    for (const [labels, value] of gauge.values) lines.push(`${gauge.name}${key(labels) ? `{${key(labels)}}` : ""} ${value}`);
  }
  return `${lines.join("\n")}\n`;
}
