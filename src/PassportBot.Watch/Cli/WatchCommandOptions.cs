using System.CommandLine;
using System.Globalization;
using PassportBot.Agenda;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Texts;
using PassportBot.Telegram;
using PassportBot.Watch.Hosting;

namespace PassportBot.Watch.Cli;

/// <summary>The options of <c>passportbot watch</c> and the configuration keys they set. Options only override
/// configuration when given, so appsettings.json and PASSPORTBOT_* variables apply otherwise.</summary>
internal sealed class WatchCommandOptions
{
    public WatchCommandOptions(WatchTexts t)
    {
        Province = new("--province", "-p")
        {
            Description = t.OptionProvince,
            AllowMultipleArgumentsPerToken = false,
            Validators = { WatchCommands.ValidateProvinces(t) },
        };

        Office = new("--office")
        {
            Description = t.OptionOffice,
        };

        Before = new("--before")
        {
            Description = t.OptionBefore,
            CustomParser = r => WatchCommands.ParseDate(r, t),
        };

        MinPlaces = new("--min-places")
        {
            Description = t.OptionMinPlaces,
            Validators = { r => { if (r.Tokens.Count > 0 && (!int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)) r.AddError(t.ErrorMinPlaces); } },
        };

        Within = new("--within")
        {
            Description = t.OptionWithin,
            Validators = { r => { if (r.Tokens.Count > 0 && !FilterInput.ParseWithin(r.Tokens[0].Value).IsValid) r.AddError(Format(t.ErrorWithin, FilterInput.MaxWithinDays)); } },
        };

        Days = new("--days")
        {
            Description = t.OptionDays,
            AllowMultipleArgumentsPerToken = true,
            Validators =
            {
                r =>
                {
                    if (FilterInput.ParseDays(string.Join(' ', r.Tokens.Select(token => token.Value))).Error is { } e)
                        r.AddError(Format(t.ErrorDays, e.Input));
                },
            },
        };

        Interval = new("--interval")
        {
            Description = t.OptionInterval,
            CustomParser = r => WatchCommands.ParseInterval(r, t),
        };

        CookieFile = new("--cookie-file")
        {
            Description = t.OptionCookieFile,
        };

        CsrfFile = new("--csrf-file")
        {
            Description = t.OptionCsrfFile,
        };

        TelegramToken = new("--telegram-token")
        {
            Description = t.OptionTelegramToken,
        };

        TelegramTokenFile = new("--telegram-token-file")
        {
            Description = t.OptionTelegramTokenFile,
        };

        ChatId = new("--chat-id")
        {
            Description = t.OptionChatId,
        };

        NotifyGone = new("--notify-gone") { Description = t.OptionNotifyGone };

        Webhook = new("--webhook")
        {
            Description = t.OptionWebhook,
        };

        WebhookSecret = new("--webhook-secret")
        {
            Description = t.OptionWebhookSecret,
        };

        Ntfy = new("--ntfy")
        {
            Description = t.OptionNtfy,
        };

        NtfyToken = new("--ntfy-token")
        {
            Description = t.OptionNtfyToken,
        };

        Language = new("--lang")
        {
            Description = t.OptionLanguage,
        };

        Quiet = new("--quiet", "-q") { Description = t.OptionQuiet };

        Plain = new("--plain")
        {
            Description = t.OptionPlain,
        };

        State = new("--state")
        {
            Description = t.OptionState,
        };

        Demo = new("--demo") { Description = t.OptionDemo };

        Verbose = new("--verbose") { Description = t.OptionVerbose };
    }

    public Option<string[]> Province { get; }

    public Option<string[]> Office { get; }

    public Option<DateOnly?> Before { get; }

    public Option<int?> MinPlaces { get; }

    public Option<int?> Within { get; }

    public Option<string[]> Days { get; }

    public Option<TimeSpan?> Interval { get; }

    public Option<string?> CookieFile { get; }

    public Option<string?> CsrfFile { get; }

    public Option<string?> TelegramToken { get; }

    public Option<string?> TelegramTokenFile { get; }

    public Option<long?> ChatId { get; }

    public Option<bool> NotifyGone { get; }

    public Option<string?> Webhook { get; }

    public Option<string?> WebhookSecret { get; }

    public Option<string?> Ntfy { get; }

    public Option<string?> NtfyToken { get; }

    public Option<string?> Language { get; }

    public Option<bool> Quiet { get; }

    public Option<bool> Plain { get; }

    public Option<string?> State { get; }

    public Option<bool> Demo { get; }

    public Option<bool> Verbose { get; }

    public IEnumerable<Option> All =>
        [Province, Office, Before, MinPlaces, Within, Days, Interval, CookieFile, CsrfFile, TelegramToken, TelegramTokenFile, ChatId, NotifyGone, Webhook, WebhookSecret, Ntfy, NtfyToken, Language, Quiet, Plain, State, Demo, Verbose];

    /// <summary>Configuration keys set by the options that were given.</summary>
    public Dictionary<string, string?> ToConfiguration(ParseResult parse, bool demo)
    {
        const string W = WatchOptions.Section + ":";
        const string A = AgendaOptions.Section + ":";
        var inv = CultureInfo.InvariantCulture;
        var map = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        var provinces = WatchCommands.Codes(parse.GetValue(Province));
        if (provinces.Length == 0 && demo) provinces = [WatchCommands.DemoProvince];
        SetList(map, W + nameof(WatchOptions.Provinces), provinces);
        SetList(map, W + nameof(WatchOptions.Offices), WatchCommands.Codes(parse.GetValue(Office)));
        if (parse.GetValue(Before) is { } before) map[W + nameof(WatchOptions.Before)] = before.ToString("yyyy-MM-dd", inv);
        if (parse.GetValue(MinPlaces) is { } min) map[W + nameof(WatchOptions.MinPlaces)] = min.ToString(inv);
        if (parse.GetValue(Within) is { } within) map[W + nameof(WatchOptions.WithinDays)] = within.ToString(inv);
        SetList(map, W + nameof(WatchOptions.Days), (parse.GetValue(Days) ?? []).SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray());
        if (parse.GetValue(Interval) is { } interval) map[W + nameof(WatchOptions.Interval)] = interval.ToString("c", inv);
        if (parse.GetValue(ChatId) is { } chat) map[W + nameof(WatchOptions.ChatId)] = chat.ToString(inv);
        if (parse.GetValue(NotifyGone)) map[W + nameof(WatchOptions.NotifyGone)] = "true";
        if (parse.GetValue(Webhook) is { } webhook) map[W + nameof(WatchOptions.Webhook)] = webhook;
        if (parse.GetValue(WebhookSecret) is { } secret) map[W + nameof(WatchOptions.WebhookSecret)] = secret;
        if (parse.GetValue(Ntfy) is { } ntfy) map[W + nameof(WatchOptions.Ntfy)] = ntfy;
        if (parse.GetValue(NtfyToken) is { } ntfyToken) map[W + nameof(WatchOptions.NtfyToken)] = ntfyToken;
        if (parse.GetValue(Language) is { } language) map[W + nameof(WatchOptions.Language)] = language;
        if (parse.GetValue(Quiet)) map[W + nameof(WatchOptions.Quiet)] = "true";
        if (parse.GetValue(Plain)) map[W + nameof(WatchOptions.Plain)] = "true";
        if (parse.GetValue(State) is { } state) map[W + nameof(WatchOptions.StateFile)] = state;
        // The demo's slots are not real: keep them out of the real state file.
        else if (demo) map[W + nameof(WatchOptions.StateFile)] = Path.Combine(Path.GetDirectoryName(WatchOptions.DefaultStateFile)!, "watch-state-demo.json");
        if (parse.GetValue(CookieFile) is { } cookieFile) map[A + nameof(AgendaOptions.CookieFile)] = cookieFile;
        if (parse.GetValue(CsrfFile) is { } csrfFile) map[A + nameof(AgendaOptions.CsrfTokenFile)] = csrfFile;
        if (parse.GetValue(TelegramToken) is { } token) map[TelegramOptions.Section + ":" + nameof(TelegramOptions.Token)] = token;
        if (parse.GetValue(TelegramTokenFile) is { } tokenFile) map[TelegramOptions.Section + ":" + nameof(TelegramOptions.TokenFile)] = tokenFile;
        return map;
    }

    private static string Format(string format, object? value) => string.Format(CultureInfo.InvariantCulture, format, value);

    private static void SetList(Dictionary<string, string?> map, string key, string[] values)
    {
        for (var i = 0; i < values.Length; i++) map[$"{key}:{i}"] = values[i];
    }
}
