using System.Globalization;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Watch.Tracking;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PassportBot.Watch.Output;

/// <summary>Draws a <see cref="WatchSnapshot"/>: open slots by office, date, time, places and first seen; recent
/// events; the session help when needed; a status line. Pure: the same snapshot and clock give the same picture.</summary>
public static class LiveViewRenderer
{
    public const int DefaultMaxRows = 40;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IRenderable Render(WatchSnapshot s, DateTimeOffset now, string? cookieFile, string? csrfFile, int maxRows = DefaultMaxRows)
    {
        var parts = new List<IRenderable>
        {
            new Text($"PassportBot watch{(s.Demo ? " (demo: built-in simulator)" : "")} — {s.Filter}", new Style(decoration: Decoration.Bold)),
            SlotTable(s.OpenSlots, Math.Max(1, maxRows)),
        };
        if (s.Recent.Count > 0) parts.Add(RecentEvents(s.Recent));
        if (s.Credentials is CredentialState.Expired or CredentialState.Missing) parts.Add(SessionPanel(s.Credentials, cookieFile, csrfFile));
        parts.Add(StatusLine(s, now));
        return new Rows(parts);
    }

    private static Table SlotTable(IReadOnlyList<WatchedSlot> slots, int maxRows)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Office");
        table.AddColumn("Date");
        table.AddColumn("Time");
        table.AddColumn(new TableColumn("Places").RightAligned());
        table.AddColumn("First seen");
        foreach (var slot in slots.Take(maxRows))
        {
            var places = slot.Announced
                ? new Text(slot.Record.Places.ToString(Inv), new Style(Color.Green, decoration: Decoration.Bold))
                : new Text($"{slot.Record.Places} (opens {AvailabilityFormatter.Clock(slot.Office.BookableFrom)})", new Style(Color.Grey));
            table.AddRow(
                new Text(slot.Office.DisplayName),
                new Text(slot.Key.Date.ToString("ddd dd/MM/yyyy", Inv)),
                new Text(AvailabilityFormatter.Clock(slot.Key.Time)),
                places,
                new Text(Local(slot.Record.FirstSeen)));
        }
        table.Caption = slots.Count == 0
            ? new TableTitle("No open slot matches right now.")
            : new TableTitle(slots.Count > maxRows
                ? $"{slots.Count} open slots ({slots.Count - maxRows} more not shown)"
                : $"{slots.Count} open slot{(slots.Count == 1 ? "" : "s")}");
        return table;
    }

    private static Rows RecentEvents(IReadOnlyList<WatchEvent> recent) =>
        new(recent.TakeLast(5).Select(e => e switch
        {
            SlotOpened o => new Text($"{Local(o.At)}  NEW   {Describe(o.Slot)} ({o.Slot.Record.Places} places)", new Style(Color.Green)),
            SlotGone g => new Text($"{Local(g.At)}  GONE  {Describe(g.Slot)}", new Style(Color.Grey)),
            WatchError x => new Text($"{Local(x.At)}  ERROR {x.Scope}: {x.Message}", new Style(Color.Yellow)),
            SessionExpired x => new Text($"{Local(x.At)}  SESSION EXPIRED", new Style(Color.Yellow)),
            SessionMissing x => new Text($"{Local(x.At)}  NO CREDENTIALS", new Style(Color.Yellow)),
            SessionResumed x => new Text($"{Local(x.At)}  SESSION RESUMED", new Style(Color.Green)),
            _ => new Text(""),
        }));

    private static Panel SessionPanel(CredentialState state, string? cookieFile, string? csrfFile)
    {
        var headline = state == CredentialState.Expired
            ? "The agenda session has expired. To go on watching:"
            : "No agenda credentials yet. To start watching:";
        var lines = new List<IRenderable> { new Text(headline, new Style(Color.Yellow, decoration: Decoration.Bold)) };
        lines.AddRange(SessionHelp.Steps(cookieFile, csrfFile).Select(step => new Text(step)));
        lines.Add(new Text(SessionHelp.Resume, new Style(Color.Grey)));
        return new Panel(new Rows(lines)).Header("Session").BorderColor(Color.Yellow);
    }

    private static Text StatusLine(WatchSnapshot s, DateTimeOffset now)
    {
        var parts = new List<string>
        {
            s.LastPollAt is { } last ? $"last poll {Local(last)} ({Ago(now - last)} ago)" : "first poll in progress",
        };
        if (s.NextPollAt is { } next && next > now) parts.Add($"next in {Ago(next - now)}");
        parts.Add(s.Credentials switch
        {
            CredentialState.Valid => "session ok",
            CredentialState.Expired => "session EXPIRED",
            _ => "no credentials",
        });
        parts.Add($"{s.Polls} polls");
        if (s.LastError is { } error)
            parts.Add(s.ConsecutiveFailures > 0 ? $"error ({s.ConsecutiveFailures} in a row, backing off): {error}" : $"last error: {error}");
        var style = s.LastError is not null || s.Credentials != CredentialState.Valid ? new Style(Color.Yellow) : new Style(Color.Grey);
        return new Text(string.Join(" · ", parts), style);
    }

    private static string Describe(WatchedSlot slot) =>
        $"{slot.Office.Code} {AvailabilityFormatter.Day(slot.Key.Date)} {AvailabilityFormatter.Clock(slot.Key.Time)}";

    private static string Local(DateTimeOffset at) => RomeTime.ToRome(at).ToString("HH:mm:ss", Inv);

    private static string Ago(TimeSpan span) => span.TotalSeconds < 90
        ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : span.TotalMinutes < 90 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalHours} h";
}
