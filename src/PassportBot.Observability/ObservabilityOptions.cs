namespace PassportBot.Observability;

/// <summary>Section <c>Observability</c>. Metrics are always served on <c>/metrics</c>; traces are recorded only
/// when something receives them (an OTLP endpoint, or <see cref="Tracing"/> set for a local collector).</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>The standard OpenTelemetry variable naming the collector (e.g. <c>http://otel-collector:4317</c>).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static readonly TimeSpan DefaultSampleInterval = TimeSpan.FromSeconds(15);

    public const string DefaultMetricsPath = "/metrics";

    /// <summary>Record traces even without an OTLP endpoint (for an exporter added in code). Default: only with one.</summary>
    public bool? Tracing { get; set; }

    /// <summary>How often queue depths and the outbox backlog are read for the gauges.</summary>
    public TimeSpan SampleInterval { get; set; } = DefaultSampleInterval;

    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    public string MetricsPath { get; set; } = DefaultMetricsPath;
}
