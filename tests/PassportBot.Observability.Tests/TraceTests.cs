using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace PassportBot.Observability.Tests;

/// <summary>Traces of the running system, collected with OpenTelemetry's in-memory exporter.</summary>
public sealed class TraceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>From the send back to the poll, each span's parent, nearest first.</summary>
    private static readonly string[] Chain =
    [
        "send telegram", "process message", "send message", "outbox relay", "fan-out", "outbox write", "apply poll",
        "process new_availabilities", "send new_availabilities", "poll",
    ];

    [Fact]
    public async Task One_slot_is_one_trace_from_the_poll_through_the_outbox_the_fan_out_and_the_queues_to_the_send_with_no_secret_in_it()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var system = await RunningSystem.StartAsync(
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(spans)))),
            new Dictionary<string, string?> { ["Observability:Tracing"] = "true" });
        const long chat = 987654321;
        var office = system.AlwaysBookableOffice("TOPQ60");
        await system.SubscribeAsync(chat, "TO");
        // The bot's long polling runs too: its getUpdates URLs hold the token.
        await system.Telegram.WaitForAsync(calls => calls.Any(c => c.Method == "getUpdates"), Timeout);

        var key = system.Simulator.World.AddSlot(office, system.Day(3), new TimeOnly(17, 0), 2);
        var date = PassportBot.Domain.AvailabilityFormatter.Day(key.Date);
        await Eventually.TrueAsync(() => system.MessagesTo(chat, date) == 1, Timeout, "the availability message");

        Activity? send = null;
        await Eventually.TrueAsync(() =>
        {
            send = spans.FirstOrDefault(s => s.DisplayName == "send telegram" && (string?)s.GetTagItem("passportbot.message.kind") == "new"
                && (string?)s.GetTagItem("passportbot.outcome") == "sent");
            return send is not null && spans.Any(s => s.TraceId == send.TraceId && s.DisplayName == "process message");
        }, Timeout, "the send span and its consumer span");

        var trace = spans.Where(s => s.TraceId == send!.TraceId).ToList();
        output.WriteLine(Describe(trace));

        var byId = trace.ToDictionary(s => s.SpanId);
        var path = new List<string>();
        for (var span = send; span is not null; span = span.ParentSpanId == default ? null : byId.GetValueOrDefault(span.ParentSpanId))
            path.Add(span.DisplayName);
        Assert.Equal(Chain, path);
        var root = trace.Single(s => s.DisplayName == "poll");
        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal("TO", root.GetTagItem("passportbot.province"));
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http"); // the agenda requests
        Assert.Single(trace, s => s.DisplayName == "send telegram");

        // Nothing secret or personal in any span of the whole run: not the bot token (in every Bot API URL),
        // not the agenda cookie or CSRF token, not the chat id, not the message text.
        var all = spans.ToList();
        Assert.Contains(all, s => s.Source.Name == "System.Net.Http");
        var forbidden = new[]
        {
            system.Telegram.Token, system.Telegram.Token.Split(':')[1], system.Simulator.Credentials.Cookie,
            system.Simulator.Credentials.CsrfToken, chat.ToString(), "Nuova disponibilità", "TOPQ60 - ",
        };
        foreach (var span in all)
        {
            foreach (var text in new[] { span.DisplayName }.Concat(span.TagObjects.Select(t => t.Key + "=" + t.Value)).Concat(span.Baggage.Select(b => b.Value ?? "")))
                foreach (var secret in forbidden)
                    Assert.False(text.Contains(secret, StringComparison.Ordinal), $"span '{span.DisplayName}' ({span.Source.Name}) holds a forbidden value: {text}");
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/bot0:TEST-ONLY-not-a-token/sendMessage", "http://127.0.0.1:5000/bot{token}/sendMessage")]
    [InlineData("https://api.telegram.org/bot42:TEST-ONLY/getUpdates?offset=1", "https://api.telegram.org/bot{token}/getUpdates?offset=1")]
    [InlineData("https://passaportonline.poliziadistato.it/cittadino/a/rc/v1/appuntamento", null)]
    public void A_bot_token_in_a_url_is_replaced(string url, string? expected) =>
        Assert.Equal(expected, SecretScrubbingProcessor.Scrub(url));

    private static string Describe(IReadOnlyList<Activity> trace)
    {
        var start = trace.Min(s => s.StartTimeUtc);
        var children = trace.ToLookup(s => s.ParentSpanId);
        var sb = new StringBuilder($"trace {trace[0].TraceId} ({trace.Count} spans)\n");
        void Write(Activity span, int depth)
        {
            sb.Append($"{(span.StartTimeUtc - start).TotalMilliseconds,8:0.0} ms +{span.Duration.TotalMilliseconds,7:0.0} ms  {new string(' ', depth * 2)}{span.DisplayName} [{span.Kind}, {span.Source.Name}]\n");
            foreach (var child in children[span.SpanId].OrderBy(c => c.StartTimeUtc)) Write(child, depth + 1);
        }
        foreach (var root in trace.Where(s => s.ParentSpanId == default || trace.All(p => p.SpanId != s.ParentSpanId)).OrderBy(s => s.StartTimeUtc)) Write(root, 0);
        return sb.ToString();
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
