using System.CommandLine;
using System.Globalization;
using PassportBot.Agenda;
using PassportBot.Domain.Filters;
using PassportBot.Watch.Hosting;

namespace PassportBot.Watch.Cli;

/// <summary>The options of <c>passportbot watch</c> and the configuration keys they set. Options only override
/// configuration when given, so appsettings.json and PASSPORTBOT_* variables apply otherwise.</summary>
internal sealed class WatchCommandOptions
{
    public Option<string[]> Province { get; } = new("--province", "-p")
    {
        Description = "Province to watch, by its two-letter code (repeat or comma-separate: --province TO --province MI). Default with --demo: TO.",
        AllowMultipleArgumentsPerToken = false,
        Validators = { WatchCommands.ValidateProvinces },
    };

    public Option<string[]> Office { get; } = new("--office")
    {
        Description = "Only this office code, e.g. TOPQ60 (repeatable; `passportbot offices --province TO` lists them).",
    };

    public Option<DateOnly?> Before { get; } = new("--before")
    {
        Description = "Only slots on or before this day (yyyy-MM-dd).",
        CustomParser = WatchCommands.ParseDate,
    };

    public Option<int?> MinPlaces { get; } = new("--min-places")
    {
        Description = "Only slots with at least this many free places (default 1).",
        Validators = { r => { if (r.Tokens.Count > 0 && (!int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)) r.AddError("--min-places must be a whole number, at least 1."); } },
    };

    public Option<int?> Within { get; } = new("--within")
    {
        Description = "Only slots within this many days from today (Rome time), 1 to 366.",
        Validators = { r => { if (r.Tokens.Count > 0 && !FilterInput.ParseWithin(r.Tokens[0].Value).IsValid) r.AddError($"--within must be a whole number of days from 1 to {FilterInput.MaxWithinDays}."); } },
    };

    public Option<string[]> Days { get; } = new("--days")
    {
        Description = "Only slots on these weekdays: --days mon tue fri, --days lun-ven (Italian or English names).",
        AllowMultipleArgumentsPerToken = true,
        Validators =
        {
            r =>
            {
                if (FilterInput.ParseDays(string.Join(' ', r.Tokens.Select(t => t.Value))).Error is { } e)
                    r.AddError($"--days: '{e.Input}' is not a weekday (mon tue wed thu fri sat sun, lun mar mer gio ven sab dom, or a range like mon-fri).");
            },
        },
    };

    public Option<TimeSpan?> Interval { get; } = new("--interval")
    {
        Description = "Time between two scans: 45s, 2m, 00:00:45 (default 45s; a random ±10 % is added).",
        CustomParser = WatchCommands.ParseInterval,
    };

    public Option<string?> CookieFile { get; } = new("--cookie-file")
    {
        Description = "File holding the Cookie request header copied from the browser (default tokens/cookie_token; or PASSPORTBOT_Agenda__Cookie).",
    };

    public Option<string?> CsrfFile { get; } = new("--csrf-file")
    {
        Description = "File holding the X-CSRF-TOKEN request header (default tokens/xcsrf_token; or PASSPORTBOT_Agenda__CsrfToken).",
    };

    public Option<string?> TelegramToken { get; } = new("--telegram-token")
    {
        Description = "Bot token from BotFather, to push new slots to --chat-id (or Telegram:Token / PASSPORTBOT_Telegram__Token).",
    };

    public Option<string?> TelegramTokenFile { get; } = new("--telegram-token-file")
    {
        Description = "File holding the bot token (keeps it out of the process list; or Telegram:TokenFile). Should be readable by you alone (chmod 600).",
    };

    public Option<long?> ChatId { get; } = new("--chat-id")
    {
        Description = "Telegram chat that receives the new slots, in the bot's message format.",
    };

    public Option<bool> NotifyGone { get; } = new("--notify-gone") { Description = "Also send a Telegram message when a slot is gone." };

    public Option<string?> Webhook { get; } = new("--webhook")
    {
        Description = "POST new and gone slots as JSON to this URL (the server's webhook format; or Watch:Webhook).",
    };

    public Option<string?> WebhookSecret { get; } = new("--webhook-secret")
    {
        Description = "Sign webhook requests with this secret (X-PassportBot-Signature: sha256=HMAC of the body; or Watch:WebhookSecret).",
    };

    public Option<string?> Ntfy { get; } = new("--ntfy")
    {
        Description = "Publish new and gone slots to this ntfy topic URL, e.g. https://ntfy.sh/my-topic (or Watch:Ntfy).",
    };

    public Option<string?> NtfyToken { get; } = new("--ntfy-token")
    {
        Description = "Access token for a protected ntfy topic, sent as Authorization: Bearer (or Watch:NtfyToken).",
    };

    public Option<string?> Language { get; } = new("--lang")
    {
        Description = "Language of the Telegram messages: it (default) or en.",
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No terminal bell on new slots." };

    public Option<bool> Plain { get; } = new("--plain")
    {
        Description = "One plain line per event (NEW, GONE, SESSION …, ERROR) instead of the live view; automatic when the output is piped.",
    };

    public Option<string?> State { get; } = new("--state")
    {
        Description = "State file remembering what was announced (default: watch-state.json in the user's data folder, under passportbot/).",
    };

    public Option<bool> Demo { get; } = new("--demo") { Description = "Watch the built-in agenda simulator: no credentials needed." };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Diagnostic logs on standard error." };

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
        if (parse.GetValue(TelegramToken) is { } token) map[WatchTelegramOptions.Section + ":" + nameof(WatchTelegramOptions.Token)] = token;
        if (parse.GetValue(TelegramTokenFile) is { } tokenFile) map[WatchTelegramOptions.Section + ":" + nameof(WatchTelegramOptions.TokenFile)] = tokenFile;
        return map;
    }

    private static void SetList(Dictionary<string, string?> map, string key, string[] values)
    {
        for (var i = 0; i < values.Length; i++) map[$"{key}:{i}"] = values[i];
    }
}
