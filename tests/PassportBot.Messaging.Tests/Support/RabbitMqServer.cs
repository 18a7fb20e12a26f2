using System.Diagnostics;
using RabbitMQ.Client;

namespace PassportBot.Messaging.Tests.Support;

/// <summary>The real broker the tests run against (started by scripts/services.sh).</summary>
internal static class RabbitMqServer
{
    public const string EnvironmentVariable = "PASSPORTBOT_TEST_RABBITMQ";

    private static readonly Lazy<Task<Uri>> Checked = new(CheckAsync);

    /// <summary>The broker's base URI; fails (never skips) with a clear message when it is not configured or not reachable.</summary>
    public static Task<Uri> UriAsync() => Checked.Value;

    public static string WithVirtualHost(Uri server, string vhost) =>
        new UriBuilder(server) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri.ToString();

    private static async Task<Uri> CheckAsync()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Start the servers with scripts/services.sh and run `source <(scripts/services.sh --env)`.");
        var uri = new Uri(value);
        try
        {
            var factory = new ConnectionFactory { Uri = uri, AutomaticRecoveryEnabled = false, RequestedConnectionTimeout = TimeSpan.FromSeconds(5) };
            await using var connection = await factory.CreateConnectionAsync("passportbot-tests-probe");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"RabbitMQ at {uri.Host}:{uri.Port} ({EnvironmentVariable}) is not reachable: {ex.GetType().Name}. Start it with scripts/services.sh.", ex);
        }
        return uri;
    }

    /// <summary>Runs rabbitmqctl (the tests run on the broker's machine, as scripts/services.sh does).</summary>
    public static async Task CtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
