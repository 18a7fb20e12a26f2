using System.CommandLine;
using System.Text.RegularExpressions;

namespace PassportBot.Cli.Tests;

/// <summary>The <c>passportbot</c> command tree run in-process, with its output captured.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var writer = new StringWriter();
        // Whatever goes to the console directly (the host's logs) is part of what the user sees, too. The tests of
        // this class run one at a time (one xunit collection), so swapping the process-wide console is safe here.
        using var console = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(console);
        Console.SetError(console);
        try
        {
            // A command that wrongly starts instead of failing must not hang the test run.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var exitCode = await CommandLine.Build().Parse(args)
                .InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer }, timeout.Token);
            return (exitCode, writer.ToString() + console.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("Exception", output);
        Assert.DoesNotMatch(new Regex(@"^\s+at ", RegexOptions.Multiline), output);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var (exitCode, output) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var name in new[] { "run", "demo", "poller", "bot", "user-handler", "avail-handler", "dispatcher", "web", "migrate", "dlq", "watch", "offices", "town" })
            Assert.Matches(new Regex($@"^\s+{Regex.Escape(name)}(\s|$)", RegexOptions.Multiline), output);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("replay")]
    public async Task An_unknown_dead_letter_queue_is_one_clear_line_with_exit_code_2(string action)
    {
        var (exitCode, output) = await RunAsync("dlq", action, "--queue", "bogus");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("'bogus'", line);
        foreach (var queue in new[] { "new_user", "new_availabilities", "message" }) Assert.Contains(queue, line);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task An_invalid_storage_provider_on_migrate_is_one_clear_line_with_exit_code_2()
    {
        var (exitCode, output) = await RunAsync("migrate", "--Storage:Provider=oracle");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Storage:Provider 'oracle' is not supported", line);
        Assert.Contains("sqlite", line);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Every_configuration_error_of_a_role_command_gets_its_own_line_and_exit_code_2()
    {
        var (exitCode, output) = await RunAsync("run", "--Storage:Provider=oracle", "--Telegram:MaxMessagesPerSecond=0",
            "--Web:Urls=http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains("Storage:Provider 'oracle'", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.StartsWith("Configuration error: ", l));
        AssertNoStackTrace(output);
    }
}
