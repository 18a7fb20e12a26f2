using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PassportBot.Observability.Tests;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics and traces are pushed to that collector.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Metrics_and_traces_reach_the_collector_named_by_OTEL_EXPORTER_OTLP_ENDPOINT()
    {
        // A stand-in collector: a real HTTP server on 127.0.0.1 that records what is posted to it.
        var received = new ConcurrentQueue<(string Path, long Bytes)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.Logging.ClearProviders();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path.Value ?? "", body.Length));
            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var system = await RunningSystem.StartAsync(extra: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        try
        {
            await system.SubscribeAsync(31337, "TO");
            await Eventually.TrueAsync(() => system.Simulator.Calls.OfficeListCalls("TO") >= 1, TimeSpan.FromSeconds(30), "a poll of TO");
        }
        finally
        {
            // Stopping flushes what is batched: the last metrics and the spans of the poll.
            await system.DisposeAsync();
        }

        Assert.Contains(received, r => r.Path == "/v1/traces" && r.Bytes > 0);
        Assert.Contains(received, r => r.Path == "/v1/metrics" && r.Bytes > 0);
    }
}
