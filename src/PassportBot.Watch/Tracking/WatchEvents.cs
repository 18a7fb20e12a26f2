using PassportBot.Domain;

namespace PassportBot.Watch.Tracking;

/// <summary>A slot as the watcher knows it: the office it belongs to and its stored life.</summary>
public sealed record WatchedSlot(Office Office, SlotRecord Record)
{
    public SlotKey Key => Record.Key;

    /// <summary>Announced in this life: the user was told about it.</summary>
    public bool Announced => Record.AnnouncedAt is not null;
}

/// <summary>Something the user is told about.</summary>
public abstract record WatchEvent(DateTimeOffset At);

/// <summary>A slot the user has not been told about yet (NEW). <paramref name="BookableAt"/> is set when the
/// office only opens its bookings shortly.</summary>
public sealed record SlotOpened(DateTimeOffset At, WatchedSlot Slot, DateTimeOffset? BookableAt) : WatchEvent(At);

/// <summary>An announced slot that is no longer offered (GONE). <paramref name="LastPlaces"/> is what it had when last seen.</summary>
public sealed record SlotGone(DateTimeOffset At, WatchedSlot Slot, int LastPlaces) : WatchEvent(At);

/// <summary>The site rejected the credentials: the user has to copy new ones from the browser.</summary>
public sealed record SessionExpired(DateTimeOffset At, string Reason, string? CookieFile, string? CsrfFile) : WatchEvent(At);

/// <summary>No credentials anywhere: the token files are missing or empty.</summary>
public sealed record SessionMissing(DateTimeOffset At, string? CookieFile, string? CsrfFile) : WatchEvent(At);

/// <summary>New credentials work: watching again.</summary>
public sealed record SessionResumed(DateTimeOffset At) : WatchEvent(At);

/// <summary>A failure worth showing (site unreachable, malformed answer, Telegram refused…). Never holds secrets.</summary>
/// <param name="Scope">A province code, "telegram" or "state".</param>
public sealed record WatchError(DateTimeOffset At, string Scope, string Message, TimeSpan? RetryIn) : WatchEvent(At);
