using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PassportBot.Web;
using System.Diagnostics;
using System.Reflection;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PassportBot.Domain.Texts;

namespace PassportBot.Cli.Tests;

/// <summary>The <c>passportbot</c> command tree run in-process, with its output captured.</summary>
[Collection(nameof(CommandLineTests))]
public sealed class CommandLineTests
{
    private static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(_ => null, args);

    /// <summary>Runs with <paramref name="environment"/> as the process environment the language is read from.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(Func<string, string?> environment, params string[] args)
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
            var exitCode = await CommandLine.Build(args, environment).Parse(args)
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

    private static Func<string, string?> ItalianSystem => name => name == "LANG" ? "it_IT.UTF-8" : null;

    [Fact]
    public async Task Help_is_Italian_when_the_system_is()
    {
        var (exitCode, output) = await RunAsync(ItalianSystem, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(TextCatalog.It.Cli.Root, output);
        Assert.Contains(TextCatalog.It.Cli.Dispatcher, output);
        Assert.Contains("Controlla le province", output);
        Assert.Contains("Opzioni:", output);
        Assert.DoesNotContain("Options:", output);
        foreach (var name in new[] { "run", "watch", "offices", "town" })
            Assert.Matches(new Regex($@"^\s+{Regex.Escape(name)}(\s|$)", RegexOptions.Multiline), output);
    }

    [Fact]
    public void Without_locale_variables_an_Italian_UI_culture_gives_Italian_help()
    {
        var root = CommandLine.Build(["--help"], _ => null, System.Globalization.CultureInfo.GetCultureInfo("it-IT"));
        Assert.Equal(TextCatalog.It.Cli.Root, root.Description);
        Assert.Equal(TextCatalog.En.Cli.Root, CommandLine.Build(["--help"], _ => null, System.Globalization.CultureInfo.GetCultureInfo("en-US")).Description);
    }

    [Theory]
    [InlineData(false, "--lang", "it")]
    [InlineData(true, "--lang", "it")]
    [InlineData(true)]
    public async Task Watch_help_is_Italian_with_lang_it_or_an_Italian_system(bool italianSystem, params string[] lang)
    {
        var (exitCode, output) = await RunAsync(italianSystem ? ItalianSystem : _ => null, ["watch", "--help", .. lang]);

        Assert.Equal(0, exitCode);
        Assert.Contains(TextCatalog.It.Watch.OptionProvince, output);
        Assert.Contains(TextCatalog.It.Watch.OptionLanguage, output);
        Assert.DoesNotContain(TextCatalog.En.Watch.OptionProvince, output);
    }

    [Fact]
    public async Task Lang_en_overrides_an_Italian_system_and_English_is_the_default()
    {
        var (_, chosen) = await RunAsync(ItalianSystem, "watch", "--help", "--lang", "en");
        var (_, plain) = await RunAsync("watch", "--help");

        foreach (var output in new[] { chosen, plain })
        {
            Assert.Contains(TextCatalog.En.Watch.OptionProvince, output);
            Assert.Contains("Options:", output);
            Assert.DoesNotContain(TextCatalog.It.Watch.OptionProvince, output);
        }
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("klingon")]
    public async Task An_unknown_lang_is_one_clear_line_with_exit_code_2(string lang)
    {
        var (exitCode, output) = await RunAsync("watch", "--province", "TO", "--lang", lang);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"Unknown language '{lang}' for --lang: use it or en.", line);
        AssertNoStackTrace(output);
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

    /// <summary>Every section is validated when its command starts, by its options type's validator: a value of the
    /// right type but out of bounds is one line naming the key, and exit code 2.</summary>
    [Theory]
    [InlineData("run", "Agenda:MonthsAhead", "0")]
    [InlineData("run", "Agenda:MaxRetries", "11")]
    [InlineData("run", "Bus:QueuePrefix", "has space")]
    [InlineData("demo", "Demo:Provinces:0", "XX")]
    [InlineData("run", "Notifications:MaxAttempts", "0")]
    [InlineData("run", "Observability:MetricsPath", "metrics")]
    [InlineData("demo", "Simulator:TickInterval", "1ms")]
    [InlineData("run", "Startup:JitProfileDirectory", "data/\tjit")]
    [InlineData("run", "Storage:RetentionDays", "-1")]
    [InlineData("run", "Telegram:GroupMessagesPerMinute", "0")]
    [InlineData("run", "Telegram:ChannelPostsPerMinute", "0")]
    [InlineData("run", "Telegram:KeepAliveInterval", "00:00:00.500")]
    [InlineData("run", "Telegram:AdminChatIds:0", "-5")]
    [InlineData("watch --province TO --plain", "Watch:MissesToClose", "0")]
    [InlineData("run", "Web:StaleAfter", "0s")]
    [InlineData("run", "Workers:RelayConcurrency", "0")]
    public async Task An_out_of_bounds_value_in_any_section_is_one_line_naming_the_key(string command, string key, string value)
    {
        var (exitCode, output) = await RunAsync([.. command.Split(' '), $"--{key}={value}"]);

        Assert.Equal(2, exitCode);
        var line = SingleLine(output);
        // A list entry is named by its list (Telegram:AdminChatIds for Telegram:AdminChatIds:0).
        Assert.Contains(Regex.Replace(key, ":[0-9]+$", ""), line);
        AssertNoStackTrace(output);
    }

    [Fact]
    public void Every_section_has_an_out_of_bounds_case()
    {
        var cases = typeof(CommandLineTests).GetMethod(nameof(An_out_of_bounds_value_in_any_section_is_one_line_naming_the_key))!
            .GetCustomAttributes<InlineDataAttribute>()
            .Select(a => ((string)a.GetData(null!).Single()[1]).Split(':')[0])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.All(ConfigurationCheck.Sections.Keys, section => Assert.Contains(section, cases));
    }

    private static string SingleLine(string output) =>
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [Theory]
    [InlineData("run")]
    [InlineData("poller")]
    [InlineData("migrate")]
    public async Task An_unknown_option_is_one_line_naming_it_with_exit_code_2(string command)
    {
        var (exitCode, output) = await RunAsync(command, "--hepl");

        Assert.Equal(2, exitCode);
        Assert.Contains("'--hepl'", SingleLine(output));
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task An_unknown_key_under_a_known_section_is_named()
    {
        var (exitCode, output) = await RunAsync("run", "--Agenda:PolInterval=30s");

        Assert.Equal(2, exitCode);
        var line = SingleLine(output);
        Assert.Contains("Agenda:PolInterval", line);
        Assert.Contains("PollInterval", line.Replace("PolInterval", "", StringComparison.Ordinal));
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task A_malformed_duration_names_the_key_and_the_expected_form()
    {
        var (exitCode, output) = await RunAsync("run", "--Agenda:PollInterval=30x");

        Assert.Equal(2, exitCode);
        var line = SingleLine(output);
        Assert.Contains("Agenda:PollInterval", line);
        Assert.Contains("'30x'", line);
        Assert.Contains("30s", line);
        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("Workers:MissesToClose", "two", "whole number")]
    [InlineData("Storage:MigrateOnStart", "yes", "true or false")]
    [InlineData("Agenda:PlacesMode", "free", "Total")]
    public async Task A_value_of_the_wrong_type_names_the_key_and_the_expected_form(string key, string value, string expected)
    {
        var (exitCode, output) = await RunAsync("run", $"--{key}={value}");

        Assert.Equal(2, exitCode);
        var line = SingleLine(output);
        Assert.Contains(key, line);
        Assert.Contains(expected, line);
        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1m30s", 90)]
    [InlineData("00:00:45", 45)]
    public void Durations_are_accepted_in_the_short_form_everywhere(string text, int seconds)
    {
        var builder = PassportBotHost.CreateBuilder([$"--Agenda:PollInterval={text}", $"--Workers:GraceWindow={text}", $"--Telegram:RequestTimeout={text}"]);

        var expected = TimeSpan.FromSeconds(seconds);
        Assert.Equal(expected, builder.Configuration.GetSection("Agenda").Get<PassportBot.Agenda.AgendaOptions>()!.PollInterval);
        Assert.Equal(expected, builder.Configuration.GetSection("Workers").Get<PassportBot.Workers.WorkersOptions>()!.GraceWindow);
        Assert.Equal(expected, builder.Configuration.GetSection("Telegram").Get<PassportBot.Telegram.TelegramOptions>()!.RequestTimeout);
    }

    [Fact]
    public async Task A_port_already_in_use_names_Web_Urls_with_exit_code_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunAsync("web", $"--Web:Urls=http://127.0.0.1:{port}");

        Assert.Equal(2, exitCode);
        var line = SingleLine(output);
        Assert.Contains("Web:Urls", line);
        Assert.Contains($"127.0.0.1:{port}", line);
        AssertNoStackTrace(output);
    }

    [Fact]
    public void Roles_started_side_by_side_listen_on_different_default_ports()
    {
        Roles[] roles = [Roles.Poller, Roles.Bot, Roles.UserHandler, Roles.AvailabilityHandler, Roles.Dispatcher, Roles.Web];

        var urls = roles.Select(r =>
        {
            var builder = PassportBotHost.CreateBuilder([], defaults: RolePorts.Defaults(r));
            builder.Services.AddPassportBotWeb(builder.Configuration);
            using var services = builder.Services.BuildServiceProvider();
            return Assert.Single(PassportBotHost.WebUrls(services));
        }).ToArray();

        Assert.Equal(roles.Length, urls.Distinct().Count());
        Assert.Contains("http://127.0.0.1:8080", urls);
    }

    [Fact]
    public async Task A_broken_appsettings_json_names_the_file_line_and_position()
    {
        var folder = Directory.CreateTempSubdirectory("passportbot-cli-");
        try
        {
            var settings = Path.Combine(folder.FullName, "appsettings.json");
            await File.WriteAllTextAsync(settings, "{\n  \"Agenda\": {\n    \"PollInterval\": \"30s\"\n  \n  \"Web\": {}\n}\n");
            var cli = Path.Combine(AppContext.BaseDirectory, "passportbot.dll");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { cli, "run" }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            var output = await stdout + await stderr;

            Assert.Equal(2, process.ExitCode);
            var line = SingleLine(output);
            Assert.Contains(settings, line);
            Assert.Contains("line 5, position 3", line);
            AssertNoStackTrace(output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("mariadb", "Server=127.0.0.1;Port=1;User ID=pb;Password=do-not-print-me;Connection Timeout=2;", "Storage error", "Storage:ConnectionString")]
    [InlineData("postgres", "Host=127.0.0.1;Port=1;Username=pb;Password=do-not-print-me;Timeout=2", "Storage error", "Storage:ConnectionString")]
    public async Task An_unreachable_database_is_one_line_naming_the_setting_without_its_password(string provider, string connection, string kind, string setting)
    {
        var (exitCode, output) = await RunAsync("migrate", $"--Storage:Provider={provider}", $"--Storage:ConnectionString={connection}");

        Assert.Equal(2, exitCode);
        var line = SingleLine(output);
        Assert.StartsWith(kind, line);
        Assert.Contains(setting, line);
        Assert.DoesNotContain("do-not-print-me", output);
        AssertNoStackTrace(output);
    }
}

