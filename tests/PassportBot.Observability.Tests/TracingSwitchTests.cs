using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace PassportBot.Observability.Tests;

/// <summary><c>Observability:Tracing</c> is read from the bound options when the tracer is built: spans are recorded
/// only when it is on (or a collector is named), and never when it is off.</summary>
public sealed class TracingSwitchTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Spans_are_recorded_only_when_tracing_is_on(string? tracing, bool recorded)
    {
        var spans = new ConcurrentQueue<Activity>();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Observability:Tracing"] = tracing })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPassportBotObservability(configuration, "passportbot-test");
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(spans))));
        using var provider = services.BuildServiceProvider();
        using var tracer = provider.GetRequiredService<TracerProvider>();

        using (var activity = PassportBotTelemetry.Source.StartActivity("probe " + tracing))
            Assert.Equal(recorded, activity is { Recorded: true });

        Assert.Equal(recorded ? 1 : 0, spans.Count(s => s.DisplayName == "probe " + tracing));
    }

    [Theory]
    [InlineData("/custom-metrics", false)]
    [InlineData("/health/ready", false)]
    [InlineData("/api/slots", true)]
    // Only the configured path is the scrape endpoint.
    [InlineData("/metrics", true)]
    public void Scrapes_and_probes_are_not_traced(string path, bool traced)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Observability:Tracing"] = "true", ["Observability:MetricsPath"] = "/custom-metrics" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPassportBotObservability(configuration, "passportbot-test");
        using var provider = services.BuildServiceProvider();
        var filter = provider.GetRequiredService<IOptionsMonitor<AspNetCoreTraceInstrumentationOptions>>().Get(Options.DefaultName).Filter;

        Assert.NotNull(filter);
        Assert.Equal(traced, filter(new DefaultHttpContext { Request = { Path = path } }));
    }

    private sealed class QueueExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch) spans.Enqueue(activity);
            return ExportResult.Success;
        }
    }
}
