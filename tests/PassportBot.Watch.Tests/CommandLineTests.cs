using System.CommandLine;
using Microsoft.Extensions.Configuration;
using PassportBot.Watch.Cli;
using PassportBot.Watch.Output;

namespace PassportBot.Watch.Tests;

/// <summary>The real command-line parsing and the commands run end to end against the simulator.</summary>
public sealed class CommandLineTests
{
    private static ConfigureCommandConfiguration Configure(IDictionary<string, string?>? settings = null) =>
        (configuration, args) =>
        {
            configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            configuration.AddCommandLine(args.ToArray());
        };

    private static RootCommand Root(ConfigureCommandConfiguration configure, WatchTerminal terminal, TextWriter? output = null, TextWriter? error = null)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(WatchCommands.CreateWatch(configure, () => terminal));
        root.Subcommands.Add(OfficesCommand.Create(configure, output, error));
        root.Subcommands.Add(TownCommand.Create(configure, output, error));
        return root;
    }

    private static WatchTerminal Terminal(LineWriter output, LineWriter error) => new(output, error, false, false);

    [Theory]
    [InlineData("watch --province XX", "Unknown province 'XX'")]
    [InlineData("watch --province TO --interval 0s", "is not a valid interval")]
    [InlineData("watch --province TO --interval soon", "is not a valid interval")]
    [InlineData("watch --province TO --before 2027-13-01", "is not a date")]
    [InlineData("watch --province TO --min-places 0", "--min-places must be")]
    [InlineData("watch --province TO --within 0", "--within must be")]
    [InlineData("watch --province TO --within soon", "--within must be")]
    [InlineData("watch --province TO --days mon funday", "'funday' is not a weekday")]
    [InlineData("watch --province TO --telegram-token 123:abc", "--telegram-token needs --chat-id")]
    [InlineData("watch --province TO --chat-id notanumber", "notanumber")]
    [InlineData("offices", "--province")]
    [InlineData("offices --province ZZ", "Unknown province 'ZZ'")]
    public void Invalid_options_are_parse_errors(string args, string message)
    {
        var root = Root(Configure(), Terminal(new LineWriter(), new LineWriter()));
        var parse = root.Parse(args);
        Assert.Contains(parse.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Valid_options_parse_cleanly_with_every_interval_form()
    {
        var root = Root(Configure(), Terminal(new LineWriter(), new LineWriter()));
        foreach (var interval in new[] { "45s", "2m", "00:00:45", "1m30s" })
        {
            var parse = root.Parse($"watch -p to --province MI,RM --office TOPQ60 --before 2027-03-31 --min-places 2 --within 30 --days mon tue lun-ven --interval {interval} " +
                "--cookie-file c --csrf-file x --telegram-token 1:a --chat-id -100123 --notify-gone --webhook https://example.org/h --webhook-secret s --ntfy https://ntfy.sh/t --ntfy-token tk --quiet --plain --state s.json --lang en --Agenda:BaseUrl=http://127.0.0.1:9");
            Assert.Empty(parse.Errors);
        }
    }

    [Theory]
    [InlineData("45s", 45_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("00:00:45", 45_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("30", 30_000)]
    public void Durations_parse_as_people_write_them(string text, int milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 parsecs")]
    [InlineData("3d")]
    public void Nonsense_durations_are_rejected(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Fact]
    public async Task The_watch_command_runs_from_options_and_configuration_and_stops_cleanly()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var output = new LineWriter();
        var error = new LineWriter();
        // The configuration's province is overridden by the option; the base URL comes as a configuration key.
        var root = Root(Configure(new Dictionary<string, string?> { ["Watch:Provinces:0"] = "MI", ["Watch:Quiet"] = "true" }), Terminal(output, error));
        var parse = root.Parse(["watch", "--province", "TO", "--plain", "--interval", "1s", "--state", folder.StateFile,
            "--cookie-file", folder.CookieFile, "--csrf-file", folder.CsrfFile, $"--Agenda:BaseUrl={agenda.Simulator.BaseUrl}", "--Agenda:MaxRetries", "0"]);
        Assert.Empty(parse.Errors);

        using var stop = new CancellationTokenSource();
        var exit = parse.InvokeAsync(cancellationToken: stop.Token);
        await output.WaitForAsync(l => l.Count == 1, "the NEW line");
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await exit.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith($"NEW TOPQ60 {Agenda.Today.AddDays(10):yyyy-MM-dd} 17:00 places=1 office=\"Questura di Torino\" province=TO first_seen=", output.Lines[0], StringComparison.Ordinal);
        Assert.Contains("Watching provinces TO;", error.Text, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.StateFile));
    }

    /// <summary>The token is in every Bot API URL: whatever the verbosity and the Logging configuration, neither the
    /// events, the diagnostic log nor an error may carry it, also when Telegram fails.</summary>
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, "Trace")]
    [InlineData(true, "Debug")]
    [InlineData(true, "Information")]
    [InlineData(true, "Warning")]
    [InlineData(false, "Trace")]
    public async Task The_bot_token_never_appears_in_the_output_at_any_verbosity(bool verbose, string? logLevel)
    {
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await PassportBot.Testing.FakeBotApiServer.StartAsync();
        telegram.FailNext(1, 502, "sendMessage");
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        agenda.AddSlot("TOPC01", 11, 9, 1);
        var output = new LineWriter();
        var error = new LineWriter();
        var settings = new Dictionary<string, string?> { ["Watch:Quiet"] = "true", ["Telegram:PerChatInterval"] = "00:00:00" };
        if (logLevel is not null) settings["Logging:LogLevel:Default"] = logLevel;
        var root = Root(Configure(settings), Terminal(output, error));
        string[] args = ["watch", "--province", "TO", "--plain", "--interval", "1s", "--state", folder.StateFile,
            "--cookie-file", folder.CookieFile, "--csrf-file", folder.CsrfFile, $"--Agenda:BaseUrl={agenda.Simulator.BaseUrl}", "--Agenda:MaxRetries", "0",
            "--telegram-token", telegram.Token, "--chat-id", "4242", $"--Telegram:ApiBaseUrl={telegram.BaseUrl}"];
        var parse = root.Parse(verbose ? [.. args, "--verbose"] : args);
        Assert.Empty(parse.Errors);

        using var stop = new CancellationTokenSource();
        var exit = parse.InvokeAsync(cancellationToken: stop.Token);
        await telegram.WaitForAsync(c => c.Count(x => x.Is("sendMessage") && x.Succeeded) == 2, TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await exit.WaitAsync(TimeSpan.FromSeconds(10)));

        var everything = output.Text + error.Text;
        Assert.Contains(telegram.Calls, c => c.Is("sendMessage") && c.StatusCode == 502); // the failure path ran too
        Assert.DoesNotContain(telegram.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(telegram.Token.Split(':')[1], everything, StringComparison.Ordinal);
        if (verbose && logLevel is null or "Trace" or "Debug") Assert.Contains("dbug", error.Text, StringComparison.Ordinal); // the log did flow
    }

    [Fact]
    public async Task The_bot_token_can_come_from_a_file()
    {
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await PassportBot.Testing.FakeBotApiServer.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var tokenFile = Path.Combine(folder.Path, "bot_token");
        File.WriteAllText(tokenFile, telegram.Token + "\r\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(new Dictionary<string, string?> { ["Watch:Quiet"] = "true" }), Terminal(output, error));
        var parse = root.Parse(["watch", "--province", "TO", "--plain", "--interval", "1s", "--state", folder.StateFile,
            "--cookie-file", folder.CookieFile, "--csrf-file", folder.CsrfFile, $"--Agenda:BaseUrl={agenda.Simulator.BaseUrl}",
            "--telegram-token-file", tokenFile, "--chat-id", "4242", $"--Telegram:ApiBaseUrl={telegram.BaseUrl}", "--verbose"]);
        Assert.Empty(parse.Errors);

        using var stop = new CancellationTokenSource();
        var exit = parse.InvokeAsync(cancellationToken: stop.Token);
        await telegram.WaitForCallAsync(c => c.Is("sendMessage") && c.Succeeded, TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await exit.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(error.Lines, l => l.Contains("can be read by other users", StringComparison.Ordinal) && l.Contains("bot_token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_file_readable_by_others_gets_one_warning()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await PassportBot.Testing.FakeBotApiServer.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var tokenFile = Path.Combine(folder.Path, "shared_token");
        File.WriteAllText(tokenFile, telegram.Token);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(new Dictionary<string, string?> { ["Watch:Quiet"] = "true" }), Terminal(output, error));
        var parse = root.Parse(["watch", "--province", "TO", "--plain", "--interval", "1s", "--state", folder.StateFile,
            "--cookie-file", folder.CookieFile, "--csrf-file", folder.CsrfFile, $"--Agenda:BaseUrl={agenda.Simulator.BaseUrl}",
            "--telegram-token-file", tokenFile, "--chat-id", "4242", $"--Telegram:ApiBaseUrl={telegram.BaseUrl}", "--verbose"]);

        using var stop = new CancellationTokenSource();
        var exit = parse.InvokeAsync(cancellationToken: stop.Token);
        await error.WaitForAsync(l => l.Any(x => x.Contains("can be read by other users", StringComparison.Ordinal)), "the warning");
        await stop.CancelAsync();
        await exit.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(error.Lines, l => l.Contains("can be read by other users", StringComparison.Ordinal) && l.Contains("shared_token", StringComparison.Ordinal));
        Assert.DoesNotContain(telegram.Token, error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_token_file_is_one_clear_line()
    {
        var error = new LineWriter();
        var root = Root(Configure(), Terminal(new LineWriter(), error));
        var exit = await root.Parse("watch --province TO --plain --chat-id 5 --telegram-token-file /nonexistent/bot_token --Telegram:Token=").InvokeAsync();
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("/nonexistent/bot_token", error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_configuration_fails_the_watch_with_a_clear_message()
    {
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(new Dictionary<string, string?> { ["Watch:ChatId"] = "5", ["Telegram:Token"] = "" }), Terminal(output, error));
        var exit = await root.Parse("watch --province TO --plain").InvokeAsync();
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--chat-id needs a bot token", error.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("watch --province TO --plain --webhook-secret s3cr3t", "--webhook-secret needs --webhook.")]
    [InlineData("watch --province TO --plain --ntfy-token tk_s3cr3t", "--ntfy-token needs --ntfy.")]
    [InlineData("watch --province TO --plain --webhook ftp://host/s3cr3t", "--webhook must be an absolute http(s) URL.")]
    [InlineData("watch --province TO --plain --ntfy ntfy.sh/s3cr3t", "--ntfy must be an absolute http(s) topic URL")]
    public async Task Push_targets_given_halfway_fail_the_watch_without_echoing_secrets(string args, string message)
    {
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(), Terminal(output, error));
        var exit = await root.Parse(args).InvokeAsync();
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", output.Text + error.Text);
    }

    [Fact]
    public async Task Offices_lists_the_province_with_first_free_dates()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(), Terminal(new LineWriter(), new LineWriter()), output, error);

        var exit = await root.Parse(["offices", "--province", "to", "--cookie-file", folder.CookieFile, "--csrf-file", folder.CsrfFile,
            $"--Agenda:BaseUrl={agenda.Simulator.BaseUrl}"]).InvokeAsync();

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("ID\tCODE\tNAME\tADDRESS\tFIRST FREE", output.Lines[0]);
        Assert.Contains($"517\tTOPQ60\tQuestura di Torino\tPiazza Cesare Augusto, 5, TORINO\t{Agenda.Today.AddDays(10):yyyy-MM-dd}", output.Lines);
        Assert.Contains(output.Lines, l => l.StartsWith("504\tTOPC01\t", StringComparison.Ordinal) && l.EndsWith("\t-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offices_explains_an_expired_session_and_an_unreachable_site_with_nonzero_exit_codes()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.Simulator.RotateCredentials();
        var error = new LineWriter();
        var root = Root(Configure(new Dictionary<string, string?> { ["Agenda:MaxRetries"] = "0" }), Terminal(new LineWriter(), new LineWriter()), new LineWriter(), error);
        var files = $"--cookie-file {folder.CookieFile} --csrf-file {folder.CsrfFile}";

        Assert.Equal(ExitCodes.Session, await root.Parse($"offices --province TO {files} --Agenda:BaseUrl={agenda.Simulator.BaseUrl}").InvokeAsync());
        Assert.Contains("session has expired", error.Text, StringComparison.Ordinal);
        Assert.Contains("X-CSRF-TOKEN", error.Text, StringComparison.Ordinal);

        await agenda.Simulator.StopAsync();
        Assert.Equal(ExitCodes.Failure, await root.Parse($"offices --province TO {files} --Agenda:BaseUrl={agenda.Simulator.BaseUrl}").InvokeAsync());
        Assert.Contains("could not be reached", error.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(agenda.Simulator.Credentials.Cookie, error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Town_says_which_questura_serves_a_municipality()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(), Terminal(new LineWriter(), new LineWriter()), output, error);
        var files = $"--cookie-file {folder.CookieFile} --csrf-file {folder.CsrfFile} --Agenda:BaseUrl={agenda.Simulator.BaseUrl}";

        Assert.Equal(ExitCodes.Ok, await root.Parse($"town vigodarzere {files}").InvokeAsync());
        Assert.Contains(output.Lines, l => l.StartsWith("VIGODARZERE\t", StringComparison.Ordinal) && l.EndsWith("--province PD", StringComparison.Ordinal));

        Assert.Equal(ExitCodes.Ok, await root.Parse($"town Carbonia {files}").InvokeAsync());
        Assert.Contains(output.Lines, l => l.StartsWith("CARBONIA\t", StringComparison.Ordinal) && l.EndsWith("--province CA", StringComparison.Ordinal));

        Assert.Equal(ExitCodes.Failure, await root.Parse($"town Atlantide {files}").InvokeAsync());
        Assert.Contains("No municipality matches 'Atlantide'", error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_needs_no_credentials()
    {
        var output = new LineWriter();
        var error = new LineWriter();
        var root = Root(Configure(new Dictionary<string, string?> { ["Agenda:CookieFile"] = "/nonexistent/cookie" }), Terminal(new LineWriter(), new LineWriter()), output, error);
        Assert.Equal(ExitCodes.Ok, await root.Parse("offices --province TO --demo").InvokeAsync());
        Assert.Contains(output.Lines, l => l.Contains("\tTOPQ60\tQuestura di Torino\t", StringComparison.Ordinal));
    }
}
