using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Messaging;

namespace PassportBot.Targets;

/// <summary>The configured webhook and ntfy targets, resolved once from <see cref="NotificationTargetsOptions"/>:
/// who wants which province, and the endpoint behind a recipient's address (the target's name, so neither URLs
/// nor secrets ever travel on the queue).</summary>
public sealed class NotificationTargets
{
    private readonly Dictionary<string, WebhookEndpoint> _webhooks;
    private readonly Dictionary<string, NtfyEndpoint> _ntfy;

    public NotificationTargets(IOptions<NotificationTargetsOptions> options)
        : this(Resolve(options.Value, out var ntfy), ntfy)
    {
    }

    public NotificationTargets(IEnumerable<WebhookEndpoint> webhooks, IEnumerable<NtfyEndpoint> ntfy)
    {
        _webhooks = webhooks.ToDictionary(w => w.Name, StringComparer.OrdinalIgnoreCase);
        _ntfy = ntfy.ToDictionary(n => n.Name, StringComparer.OrdinalIgnoreCase);
    }

    public bool IsEmpty => _webhooks.Count == 0 && _ntfy.Count == 0;

    /// <summary>Recipients for an event of <paramref name="province"/>, in a stable order.</summary>
    public IReadOnlyList<Recipient> RecipientsFor(string province)
    {
        if (IsEmpty) return [];
        var recipients = new List<Recipient>();
        foreach (var w in _webhooks.Values.Where(w => w.Wants(province)).OrderBy(w => w.Name, StringComparer.Ordinal))
            recipients.Add(new Recipient(RecipientKind.Webhook, w.Name));
        foreach (var n in _ntfy.Values.Where(n => n.Wants(province)).OrderBy(n => n.Name, StringComparer.Ordinal))
            recipients.Add(new Recipient(RecipientKind.Ntfy, n.Name));
        return recipients;
    }

    public WebhookEndpoint? Webhook(string name) => _webhooks.GetValueOrDefault(name);

    public NtfyEndpoint? Ntfy(string name) => _ntfy.GetValueOrDefault(name);

    private static List<WebhookEndpoint> Resolve(NotificationTargetsOptions o, out List<NtfyEndpoint> ntfy)
    {
        // The validator has already refused anything that would fail here.
        ntfy = o.Ntfy.Select(kv => new NtfyEndpoint(kv.Key, new Uri(kv.Value.Url!), Blank(kv.Value.Token), Provinces(kv.Value.Provinces),
            LanguageCodes.TryParse(kv.Value.Language, out var language) ? language : Language.Italian)).ToList();
        return o.Webhooks.Select(kv => new WebhookEndpoint(kv.Key, new Uri(kv.Value.Url!), Blank(kv.Value.Secret), Provinces(kv.Value.Provinces))).ToList();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Province codes, normalised; a list item may also hold several separated by commas.</summary>
    internal static HashSet<string> Provinces(IEnumerable<string>? values)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            foreach (var code in (value ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
                if (ProvinceCatalog.TryNormalize(code, out var province)) set.Add(province);
        }
        return set;
    }
}
