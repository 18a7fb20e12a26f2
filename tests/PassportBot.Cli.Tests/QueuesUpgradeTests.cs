using System.CommandLine;
using System.Text.RegularExpressions;
using RabbitMQ.Client;

namespace PassportBot.Cli.Tests;

/// <summary>A RabbitMQ queue left by an earlier version with other arguments, against the real broker
/// (<c>PASSPORTBOT_TEST_RABBITMQ</c>, from scripts/services.sh).</summary>
// With CommandLineTests: those swap the process-wide console, which the host's loggers here would write into.
[Collection(nameof(CommandLineTests))]
public sealed class QueuesUpgradeTests : IAsyncLifetime
{
    private readonly string _prefix = "cli" + Guid.NewGuid().ToString("N")[..10] + ".";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("passportbot-cli-");
    private IConnection? _connection;

    private static string Broker => Environment.GetEnvironmentVariable("PASSPORTBOT_TEST_RABBITMQ") is { Length: > 0 } uri
        ? uri
        : throw new InvalidOperationException("PASSPORTBOT_TEST_RABBITMQ is not set: start the servers with scripts/services.sh and `source <(scripts/services.sh --env)`.");

    public async Task InitializeAsync() =>
        _connection = await new ConnectionFactory { Uri = new Uri(Broker) }.CreateConnectionAsync("passportbot-cli-tests");

    public async Task DisposeAsync()
    {
        await using (var channel = await _connection!.CreateChannelAsync())
        {
            foreach (var queue in new[] { "new_user", "new_availabilities", "message", "targets" })
            foreach (var name in new[] { queue, queue + ".dlq", queue + ".upgrade" })
                await channel.QueueDeleteAsync(_prefix + name);
        }
        await _connection.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private string[] Settings() =>
    [
        "--Bus:Provider=rabbitmq", $"--Bus:ConnectionString={Broker}", $"--Bus:QueuePrefix={_prefix}",
        $"--Storage:ConnectionString=Data Source={Path.Combine(_folder.FullName, "pb.db")}",
        $"--Web:Urls=http://127.0.0.1:{FreePort()}",
    ];

    [Fact]
    public async Task A_role_stops_with_one_line_naming_the_queue_and_queues_upgrade_keeps_its_messages()
    {
        // As an earlier version left it: a classic queue without arguments, one message in it.
        await using (var channel = await _connection!.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.QueueDeclareAsync(_prefix + "new_user", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", _prefix + "new_user", mandatory: true,
                new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, """{"v":1}"""u8.ToArray());
        }

        var (exitCode, output) = await RunAsync(["user-handler", .. Settings()]);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"'{_prefix}new_user'", line);
        Assert.Contains("passportbot queues upgrade", line);
        Assert.DoesNotMatch(new Regex(@"^\s+at ", RegexOptions.Multiline), output);

        (exitCode, output) = await RunAsync(["queues", "upgrade", .. Settings()]);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"{_prefix}new_user: declared anew, 1 message(s) kept", output);
        Assert.Contains($"{_prefix}message: up to date", output);
        await using (var channel = await _connection.CreateChannelAsync())
            Assert.Equal(1u, (await channel.QueueDeclarePassiveAsync(_prefix + "new_user")).MessageCount);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] args)
    {
        using var writer = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await CommandLine.Build().Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer }, timeout.Token);
        return (exitCode, writer.ToString());
    }
}
