using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Domain.Texts;
using PassportBot.Watch.Cli;
using PassportBot.Watch.Output;
using PassportBot.Watch.Tracking;
using Spectre.Console;

namespace PassportBot.Watch.Tests;

/// <summary><c>watch</c> speaks Italian when the system does or <c>--lang it</c> says so: help, live view and
/// messages for people. The <c>--plain</c> event lines are an interface for scripts and stay as they are.</summary>
public sealed class LanguageTests
{
    private static readonly Office Questura = new(517, "TOPQ60", "Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0));

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    private static ConfigureCommandConfiguration Configure() =>
        (configuration, args) => configuration.AddCommandLine(args.ToArray());

    [Theory]
    [InlineData("LANG", "it_IT.UTF-8", Language.Italian)]
    [InlineData("LANG", "it", Language.Italian)]
    [InlineData("LANG", "en_GB.UTF-8", Language.English)]
    [InlineData("LANG", "C.UTF-8", Language.English)]
    [InlineData("LC_MESSAGES", "it_CH.UTF-8", Language.Italian)]
    [InlineData("LC_ALL", "it_IT", Language.Italian)]
    public void The_system_language_comes_from_the_locale_variables(string variable, string value, Language expected) =>
        Assert.Equal(expected, DisplayLanguage.FromSystem(Env((variable, value)), CultureInfo.InvariantCulture));

    [Fact]
    public void LC_ALL_wins_over_LANG_an_empty_one_counts_as_unset_and_without_any_the_UI_culture_decides()
    {
        Assert.Equal(Language.English, DisplayLanguage.FromSystem(Env(("LC_ALL", "en_US.UTF-8"), ("LANG", "it_IT.UTF-8")), CultureInfo.InvariantCulture));
        Assert.Equal(Language.Italian, DisplayLanguage.FromSystem(Env(("LC_ALL", ""), ("LANG", "it_IT.UTF-8")), CultureInfo.InvariantCulture));
        Assert.Equal(Language.Italian, DisplayLanguage.FromSystem(Env(), CultureInfo.GetCultureInfo("it-IT")));
        Assert.Equal(Language.English, DisplayLanguage.FromSystem(Env(), CultureInfo.GetCultureInfo("en-US")));
    }

    [Fact]
    public void The_lang_option_wins_over_the_system()
    {
        var italian = Env(("LANG", "it_IT.UTF-8"));
        Assert.Equal(Language.English, DisplayLanguage.Resolve(["watch", "--lang", "en"], italian, CultureInfo.InvariantCulture));
        Assert.Equal(Language.Italian, DisplayLanguage.Resolve(["watch", "--lang=it"], Env(("LANG", "en_US.UTF-8")), CultureInfo.InvariantCulture));
        // Unknown: the command reports it; meanwhile the system's language is used.
        Assert.Equal(Language.Italian, DisplayLanguage.Resolve(["watch", "--lang", "xx"], italian, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_watch_help_is_in_the_language_given()
    {
        foreach (var (language, expected, absent) in new[]
                 {
                     (Language.Italian, "Provincia da controllare", "Province to watch"),
                     (Language.English, "Province to watch", "Provincia da controllare"),
                 })
        {
            var root = new RootCommand("test");
            root.Subcommands.Add(WatchCommands.CreateWatch(Configure(), () => new WatchTerminal(new LineWriter(), new LineWriter(), false, false), language));
            var output = new StringWriter();
            Assert.Equal(0, await root.Parse(["watch", "--help"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }));
            Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(absent, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_live_view_speaks_Italian()
    {
        var now = new DateTimeOffset(2026, 11, 26, 6, 30, 0, TimeSpan.Zero);
        var open = new SlotRecord(new SlotKey(517, new DateOnly(2026, 12, 19), new TimeOnly(17, 0)), "TO", 2, 2, now, now, now, null, 0);
        var locked = new SlotRecord(new SlotKey(517, new DateOnly(2026, 12, 20), new TimeOnly(8, 0)), "TO", 1, 1, now, now, null, null, 0);
        var snapshot = WatchSnapshot.Initial with
        {
            Filter = "province TO",
            Credentials = CredentialState.Valid,
            LastPollAt = now.AddSeconds(-12),
            NextPollAt = now.AddSeconds(30),
            Polls = 7,
            OpenSlots = [new WatchedSlot(Questura, open), new WatchedSlot(Questura, locked)],
            Recent = [new SlotOpened(now, new WatchedSlot(Questura, open), null)],
        };

        var text = Draw(snapshot, now, TextCatalog.It);

        foreach (var expected in new[] { "Ufficio", "Data", "Posti", "Visto alle", "sab 19/12/2026", "1 (apre alle 09:00)", "ultimo controllo 07:29:48 (12 s fa)",
                     "prossimo tra 30 s", "sessione ok", "7 controlli", "2 appuntamenti liberi", "NUOVO   TOPQ60 19/12/2026 17:00 (2 posti)" })
            Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("open slots", text, StringComparison.Ordinal);

        var expired = Draw(WatchSnapshot.Initial with { Credentials = CredentialState.Expired }, now, TextCatalog.It);
        Assert.Contains("La sessione dell'agenda è scaduta. Per continuare:", expired, StringComparison.Ordinal);
        Assert.Contains("1. Accedi al sito dell'agenda con SPID", expired, StringComparison.Ordinal);
        Assert.Contains("Nessun appuntamento libero corrisponde", expired, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_output_keeps_its_lines_and_explains_in_Italian()
    {
        var output = new LineWriter();
        var error = new LineWriter();
        var plain = new PlainOutput(new WatchTerminal(output, error, false, false), TextCatalog.It);
        var at = new DateTimeOffset(2026, 11, 26, 6, 30, 0, TimeSpan.Zero);

        await plain.WriteAsync([new SessionMissing(at, "tokens/cookie_token", "tokens/xcsrf_token")], CancellationToken.None);

        Assert.Equal(["SESSION MISSING at=2026-11-26T06:30:00Z"], output.Lines);
        Assert.StartsWith("Ancora nessuna credenziale dell'agenda", error.Text, StringComparison.Ordinal);
        Assert.Contains("non serve riavviarlo", error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_lang_is_one_line_and_exit_code_2()
    {
        var output = new LineWriter();
        var error = new LineWriter();
        var root = new RootCommand("test");
        root.Subcommands.Add(WatchCommands.CreateWatch(Configure(), () => new WatchTerminal(output, error, false, false), Language.Italian));

        var exit = await root.Parse(["watch", "--province", "TO", "--lang", "xx"]).InvokeAsync();

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal(["Lingua 'xx' sconosciuta per --lang: usa it o en."], error.Lines);
        Assert.Empty(output.Lines);
    }

    [Fact]
    public async Task A_watch_run_with_lang_it_greets_in_Italian_and_keeps_the_event_lines()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var output = new LineWriter();
        var error = new LineWriter();
        var root = new RootCommand("test");
        root.Subcommands.Add(WatchCommands.CreateWatch(Configure(), () => new WatchTerminal(output, error, false, false)));
        var parse = root.Parse(["watch", "--province", "TO", "--plain", "--quiet", "--interval", "1s", "--state", folder.StateFile, "--lang", "it",
            "--cookie-file", folder.CookieFile, "--csrf-file", folder.CsrfFile, $"--Agenda:BaseUrl={agenda.Simulator.BaseUrl}", "--Agenda:MaxRetries", "0"]);
        Assert.Empty(parse.Errors);

        using var stop = new CancellationTokenSource();
        var exit = parse.InvokeAsync(cancellationToken: stop.Token);
        await output.WaitForAsync(l => l.Count == 1, "the NEW line");
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await exit.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("NEW TOPQ60 ", output.Lines[0], StringComparison.Ordinal);
        Assert.Contains("Controllo province TO; uffici tutti;", error.Text, StringComparison.Ordinal);
    }

    private static string Draw(WatchSnapshot snapshot, DateTimeOffset now, TextCatalog texts)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        console.Write(LiveViewRenderer.Render(snapshot, now, "tokens/cookie_token", "tokens/xcsrf_token", texts: texts));
        return writer.ToString();
    }
}
