using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PassportBot.Testing;

/// <summary>One request as <see cref="FakeHttpReceiver"/> received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>An HTTP server on 127.0.0.1 standing in for a webhook receiver or an ntfy server: records every request
/// (headers and raw body) and answers with scripted status codes, or holds the request until released.</summary>
public sealed class FakeHttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _released = NewReleased();
    private volatile bool _holding;

    private FakeHttpReceiver(WebApplication app) => _app = app;

    /// <summary>Base URL, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl => _app.Urls.First();

    /// <summary>Status answered once the script is used up (200 unless changed).</summary>
    public int DefaultStatus { get; set; } = 200;

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get { lock (_gate) return _requests.ToList(); }
    }

    public static async Task<FakeHttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new FakeHttpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Answers the next requests with these statuses, in order.</summary>
    public void Script(params int[] statuses)
    {
        foreach (var status in statuses) _script.Enqueue(status);
    }

    /// <summary>From now on requests are recorded but not answered until <see cref="Release"/>.</summary>
    public void Hold() => _holding = true;

    public void Release()
    {
        _holding = false;
        _released.TrySetResult();
        _released = NewReleased();
    }

    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<IReadOnlyList<ReceivedRequest>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (true)
        {
            var requests = Requests;
            if (condition(requests)) return requests;
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"Condition not met within {timeout.TotalSeconds} s; {requests.Count} requests received.");
            await tick.WaitForNextTickAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            _requests.Add(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray(), DateTimeOffset.UtcNow));
        }
        if (_holding)
        {
            try { await _released.Task.WaitAsync(context.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        context.Response.StatusCode = _script.TryDequeue(out var status) ? status : DefaultStatus;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource NewReleased() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
