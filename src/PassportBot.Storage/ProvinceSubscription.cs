namespace PassportBot.Storage;

/// <summary>A province a chat follows and the offices it is restricted to (null: every office).</summary>
public sealed record ProvinceSubscription(string Province, IReadOnlySet<string>? OfficeCodes, DateTimeOffset Since);
