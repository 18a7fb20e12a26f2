using System.Globalization;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Texts;

namespace PassportBot.Watch;

/// <summary><c>Watch:*</c> configuration of <c>passportbot watch</c>; command-line options are mapped onto these keys.</summary>
public sealed class WatchOptions
{
    public const string Section = "Watch";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(45);
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultCredentialCheckInterval = TimeSpan.FromSeconds(2);
    public const int DefaultMissesToClose = 2;

    /// <summary>Office codes are a province code and a few letters and digits (TOPQ60).</summary>
    public const int MaxOfficeCodeLength = 16;

    /// <summary>Questura province codes to scan (e.g. TO, MI).</summary>
    public List<string> Provinces { get; set; } = [];

    /// <summary>Only these office codes (e.g. TOPQ60); empty: every office of the provinces.</summary>
    public List<string> Offices { get; set; } = [];

    /// <summary>Only slots on or before this day.</summary>
    public DateOnly? Before { get; set; }

    /// <summary>Only slots with at least this many free places.</summary>
    public int MinPlaces { get; set; } = 1;

    /// <summary>Only slots within this many days from today (Rome).</summary>
    public int? WithinDays { get; set; }

    /// <summary>Only slots on these weekdays (Italian or English names: lun, mon, lun-ven); empty: every day.</summary>
    public List<string> Days { get; set; } = [];

    /// <summary>The slot filter these options describe, the same one the bot applies to its subscribers.</summary>
    public SubscriberFilter ToSubscriberFilter() => new SubscriberFilter
    {
        Before = Before,
        WithinDays = WithinDays,
        MinPlaces = MinPlaces > 1 ? MinPlaces : null,
        Days = Days.Count == 0 ? null : FilterInput.ParseDays(string.Join(' ', Days)).Value,
    }.WithOffices(Offices);

    /// <summary>Time between two scans of every province (a random ±10 % is added).</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>Longest wait between scans while the site keeps failing.</summary>
    public TimeSpan MaxBackoff { get; set; } = DefaultMaxBackoff;

    /// <summary>How often the token files are checked while the session is expired.</summary>
    public TimeSpan CredentialCheckInterval { get; set; } = DefaultCredentialCheckInterval;

    /// <summary>A slot back within this window after being gone is a flicker, not news.</summary>
    public TimeSpan GraceWindow { get; set; } = SlotLifecycle.DefaultGraceWindow;

    /// <summary>Consecutive complete scans without a slot before it is gone.</summary>
    public int MissesToClose { get; set; } = DefaultMissesToClose;

    /// <summary>Look-ahead for announcing slots of an office that opens its bookings soon.</summary>
    public TimeSpan ScheduledLookAhead { get; set; } = BookingRules.DefaultLookAhead;

    /// <summary>State file; empty: <see cref="DefaultStateFile"/>.</summary>
    public string? StateFile { get; set; }

    /// <summary>Telegram chat that receives new slots (needs <c>Telegram:Token</c>).</summary>
    public long? ChatId { get; set; }

    /// <summary>Also push slots that are gone.</summary>
    public bool NotifyGone { get; set; }

    /// <summary>Webhook URL that receives new and gone slots as signed JSON (as the server's webhooks do).</summary>
    public string? Webhook { get; set; }

    /// <summary>Signs webhook requests (X-PassportBot-Signature); empty sends them unsigned. Never logged.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>ntfy topic URL that receives new and gone slots, e.g. https://ntfy.sh/my-topic.</summary>
    public string? Ntfy { get; set; }

    /// <summary>Access token of a protected ntfy topic (Authorization: Bearer). Never logged.</summary>
    public string? NtfyToken { get; set; }

    /// <summary>Language of the Telegram messages: "it" (default) or "en". When set, the screen speaks it too.</summary>
    public string? Language { get; set; }

    /// <summary>No terminal bell.</summary>
    public bool Quiet { get; set; }

    /// <summary>One plain line per event even on a terminal.</summary>
    public bool Plain { get; set; }

    public Language MessageLanguage => LanguageCodes.TryParse(Language, out var language) ? language : Domain.Language.Italian;

    public string EffectiveStateFile => string.IsNullOrWhiteSpace(StateFile) ? DefaultStateFile : StateFile;

    public static string DefaultStateFile => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "passportbot", "watch-state.json");

    /// <summary>Provinces as the agenda knows them (upper case, Sud Sardegna as CA), without duplicates.</summary>
    public IReadOnlyList<string> QuesturaProvinces =>
        Provinces.Select(p => ProvinceCatalog.TryNormalize(p, out var code) ? code : p.Trim().ToUpperInvariant()).Distinct().ToArray();

    /// <summary>The filters in one line, in the words of <paramref name="t"/> (English when null).</summary>
    public string Describe(WatchTexts? t = null)
    {
        t ??= TextCatalog.En.Watch;
        var inv = CultureInfo.InvariantCulture;
        return string.Format(inv, t.FilterSummary,
            string.Join(",", QuesturaProvinces),
            Offices.Count == 0 ? t.FilterAll : string.Join(",", Offices),
            Before is { } b ? b.ToString("yyyy-MM-dd", inv) : t.FilterAnyDay,
            MinPlaces,
            WithinDays is { } w ? string.Format(inv, t.FilterDays, w) : t.FilterAny,
            Days.Count == 0 ? t.FilterAll : string.Join(",", Days));
    }
}

public sealed class WatchOptionsValidator : IValidateOptions<WatchOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchOptions o)
    {
        var errors = new List<string>();
        if (o.Provinces.Count == 0) errors.Add("Give at least one province to watch (--province TO).");
        foreach (var p in o.Provinces.Where(p => !ProvinceCatalog.TryNormalize(p, out _)))
            errors.Add($"Unknown province code '{p}'. Use the two-letter code (sigla) of the province, e.g. TO, MI, RM.");
        foreach (var c in o.Offices.Where(c => string.IsNullOrWhiteSpace(c) || c.Trim().Length > WatchOptions.MaxOfficeCodeLength))
            errors.Add($"Invalid office code '{c}' (e.g. TOPQ60; `passportbot offices --province TO` lists them).");
        if (o.MinPlaces < 1) errors.Add($"Minimum places must be at least 1 (got {o.MinPlaces}).");
        if (o.WithinDays is { } within && (within < 1 || within > FilterInput.MaxWithinDays))
            errors.Add($"Within days must be between 1 and {FilterInput.MaxWithinDays} (got {within}).");
        if (o.Days.Count > 0 && FilterInput.ParseDays(string.Join(' ', o.Days)).Error is { } dayError)
            errors.Add($"Unknown weekday '{dayError.Input}' (use mon tue wed thu fri sat sun, lun mar mer gio ven sab dom, or a range like mon-fri).");
        if (o.Interval <= TimeSpan.Zero) errors.Add($"The interval must be positive (got {o.Interval}).");
        if (o.MaxBackoff < o.Interval) errors.Add("Watch:MaxBackoff must not be shorter than the interval.");
        if (o.CredentialCheckInterval <= TimeSpan.Zero) errors.Add("Watch:CredentialCheckInterval must be positive.");
        if (o.GraceWindow < TimeSpan.Zero) errors.Add("Watch:GraceWindow must not be negative.");
        if (o.MissesToClose < 1) errors.Add("Watch:MissesToClose must be at least 1.");
        if (o.ScheduledLookAhead < TimeSpan.Zero) errors.Add("Watch:ScheduledLookAhead must not be negative.");
        if (o.Language is not null && !LanguageCodes.TryParse(o.Language, out _)) errors.Add($"Language must be 'it' or 'en' (got '{o.Language}').");
        if (o.ChatId == 0) errors.Add("The Telegram chat id must not be 0.");
        // The URLs themselves are not echoed: they may carry a secret.
        if (!string.IsNullOrWhiteSpace(o.Webhook) && !IsHttpUrl(o.Webhook)) errors.Add("--webhook must be an absolute http(s) URL.");
        if (!string.IsNullOrWhiteSpace(o.WebhookSecret) && string.IsNullOrWhiteSpace(o.Webhook)) errors.Add("--webhook-secret needs --webhook.");
        if (!string.IsNullOrWhiteSpace(o.Ntfy) && !IsHttpUrl(o.Ntfy)) errors.Add("--ntfy must be an absolute http(s) topic URL, e.g. https://ntfy.sh/my-topic.");
        if (!string.IsNullOrWhiteSpace(o.NtfyToken) && string.IsNullOrWhiteSpace(o.Ntfy)) errors.Add("--ntfy-token needs --ntfy.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
