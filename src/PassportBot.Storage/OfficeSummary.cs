using PassportBot.Domain;

namespace PassportBot.Storage;

/// <summary>An office as last polled, with its first open slot's day (null: none open now).</summary>
public sealed record OfficeSummary(Office Office, DateOnly? FirstOpenDate);
