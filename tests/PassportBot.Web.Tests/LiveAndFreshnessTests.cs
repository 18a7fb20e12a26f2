using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Workers;

namespace PassportBot.Web.Tests;

public sealed class LiveAndFreshnessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Events_push_the_status_then_new_changed_and_gone_slots_as_the_database_changes()
    {
        await using var app = await TestWebApp.StartAsync(settings: new Dictionary<string, string?> { ["Web:LiveInterval"] = "00:00:00.100" });
        var seed = new Seed(app);
        await seed.OfficesAsync("TO", Seed.TorinoQuestura);
        var key = new SlotKey(101, new DateOnly(2026, 12, 9), new TimeOnly(9, 40));

        using var cts = new CancellationTokenSource(Patience);
        await using var events = new EventReader(await app.Client.GetStreamAsync("/api/events", cts.Token));

        var status = await events.NextAsync(cts.Token);
        Assert.Equal("status", status.Type);
        Assert.Equal("unknown", status.Data.GetProperty("credentials").GetString());
        // The feed needs a baseline read before it can tell what is new: it announces the status with it.
        Assert.Equal("status", (await events.NextAsync(cts.Token)).Type);
        var now = DateTimeOffset.UtcNow;
        await seed.OfferAsync("TO", now, (key, 2));
        var created = await events.NextAsync(cts.Token, e => e.Type != "status");
        Assert.Equal("new", created.Type);
        Assert.Equal("new", created.Data.GetProperty("kind").GetString());
        Assert.Equal("2026-12-09", created.Data.GetProperty("slot").GetProperty("date").GetString());
        Assert.Equal("TOPQ60", created.Data.GetProperty("slot").GetProperty("officeCode").GetString());
        Assert.Equal(2, created.Data.GetProperty("slot").GetProperty("places").GetInt32());

        await seed.ObserveAsync("TO", now.AddSeconds(1), (key, 1));
        var changed = await events.NextAsync(cts.Token, e => e.Type != "status");
        Assert.Equal("changed", changed.Type);
        Assert.Equal(1, changed.Data.GetProperty("slot").GetProperty("places").GetInt32());

        await seed.MissAsync("TO", now.AddSeconds(2), key);
        await seed.MissAsync("TO", now.AddSeconds(3), key);
        var gone = await events.NextAsync(cts.Token, e => e.Type != "status");
        Assert.Equal("gone", gone.Type);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(now.AddSeconds(3).ToUnixTimeMilliseconds()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            gone.Data.GetProperty("slot").GetProperty("goneAt").GetString());
    }

    [Fact]
    public async Task The_banner_reason_is_the_expired_session_when_this_process_polls()
    {
        var time = new FakeTimeProvider(Seed.T0);
        await using var app = await TestWebApp.StartAsync(s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddSingleton<PollerStatus>();
            s.AddHealthChecks().AddCheck<PollerHealthCheck>("poller");
        });
        await new Seed(app).OfficesAsync("TO", Seed.TorinoQuestura);
        var poller = app.Get<PollerStatus>();

        // Before the poller's first cycle nothing is known about the session.
        var (_, before) = await app.GetJsonAsync("/api/status");
        Assert.False(before.GetProperty("stale").GetBoolean());
        Assert.Equal("unknown", before.GetProperty("credentials").GetString());
        Assert.Equal("2026-11-26T06:15:00Z", before.GetProperty("lastPollAt").GetString());

        poller.Update(s => s with { Credentials = CredentialState.Valid, LastCycleAt = time.GetUtcNow() });
        var (_, valid) = await app.GetJsonAsync("/api/status");
        Assert.False(valid.GetProperty("stale").GetBoolean());
        Assert.Equal("valid", valid.GetProperty("credentials").GetString());

        time.Advance(TimeSpan.FromMinutes(1));
        poller.Update(s => s with { Credentials = CredentialState.Expired, LastCycleAt = time.GetUtcNow() });
        var (_, expired) = await app.GetJsonAsync("/api/status");
        Assert.True(expired.GetProperty("stale").GetBoolean());
        Assert.Equal("session-expired", expired.GetProperty("reason").GetString());
        Assert.Equal("2026-11-26T06:15:00Z", expired.GetProperty("staleSince").GetString());
    }

    [Fact]
    public async Task Without_a_poller_here_data_goes_stale_when_polls_stop_arriving()
    {
        var time = new FakeTimeProvider(Seed.T0);
        await using var app = await TestWebApp.StartAsync(s => s.AddSingleton<TimeProvider>(time));

        var (_, empty) = await app.GetJsonAsync("/api/status");
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("lastPollAt").ValueKind);
        Assert.False(empty.GetProperty("stale").GetBoolean());

        await new Seed(app).OfficesAsync("TO", Seed.TorinoQuestura);
        time.Advance(TimeSpan.FromMinutes(4));
        var (_, fresh) = await app.GetJsonAsync("/api/status");
        Assert.False(fresh.GetProperty("stale").GetBoolean());

        time.Advance(TimeSpan.FromMinutes(2));
        var (response, stale) = await app.GetJsonAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(stale.GetProperty("stale").GetBoolean());
        Assert.Equal("no-recent-poll", stale.GetProperty("reason").GetString());
        Assert.Equal("2026-11-26T06:15:00Z", stale.GetProperty("staleSince").GetString());
    }

    /// <summary>Reads <c>text/event-stream</c> events (type and JSON data) from a response body.</summary>
    private sealed class EventReader(Stream stream) : IAsyncDisposable
    {
        private readonly StreamReader _reader = new(stream);

        public async Task<(string Type, JsonElement Data)> NextAsync(CancellationToken ct, Func<(string Type, JsonElement Data), bool>? wanted = null)
        {
            while (true)
            {
                var type = "message";
                var data = new List<string>();
                while (await _reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.Length == 0) { if (data.Count > 0) break; continue; }
                    if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
                    else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Add(line[5..].TrimStart());
                }
                if (data.Count == 0) throw new EndOfStreamException("The event stream ended.");
                using var document = JsonDocument.Parse(string.Join("\n", data));
                var item = (type, document.RootElement.Clone());
                if (wanted is null || wanted(item)) return item;
            }
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
