using PassportBot.Domain;

namespace PassportBot.Targets;

/// <summary>A webhook to POST events to. <see cref="ToString"/> never shows the secret or the URL's path and query.</summary>
/// <param name="Secret">Signs each body (HMAC-SHA256); null sends no signature (only <c>watch</c> allows that).</param>
/// <param name="Provinces">Provinces whose events it receives; empty for all.</param>
public sealed record WebhookEndpoint(string Name, Uri Url, string? Secret, IReadOnlySet<string> Provinces)
{
    public bool Wants(string? province) => Provinces.Count == 0 || (province is not null && Provinces.Contains(province));

    public override string ToString() => $"webhook '{Name}' ({Url.Scheme}://{Url.Authority})";
}

/// <summary>An ntfy topic to publish to. <see cref="ToString"/> never shows the token.</summary>
/// <param name="Url">The topic URL, e.g. https://ntfy.sh/my-topic.</param>
/// <param name="Token">Sent as <c>Authorization: Bearer</c> for protected topics.</param>
/// <param name="Language">Language of the title and body.</param>
public sealed record NtfyEndpoint(string Name, Uri Url, string? Token, IReadOnlySet<string> Provinces, Language Language)
{
    public bool Wants(string? province) => Provinces.Count == 0 || (province is not null && Provinces.Contains(province));

    public override string ToString() => $"ntfy '{Name}' ({Url.Scheme}://{Url.Authority})";
}
