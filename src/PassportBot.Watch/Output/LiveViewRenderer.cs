using System.Globalization;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Domain.Texts;
using PassportBot.Watch.Tracking;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PassportBot.Watch.Output;

/// <summary>Draws a <see cref="WatchSnapshot"/>: open slots by office, date, time, places and first seen; recent
/// events; the session help when needed; a status line. Pure: the same snapshot, clock and language give the same
/// picture.</summary>
public static class LiveViewRenderer
{
    public const int DefaultMaxRows = 40;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="texts">The language of the picture; English when null.</param>
    public static IRenderable Render(WatchSnapshot s, DateTimeOffset now, string? cookieFile, string? csrfFile, int maxRows = DefaultMaxRows,
        TextCatalog? texts = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var catalog = texts ?? TextCatalog.En;
        var t = catalog.Watch;
        var parts = new List<IRenderable>
        {
            new Text(Format(s.Demo ? t.TitleDemo : t.Title, s.Filter), new Style(decoration: Decoration.Bold)),
            SlotTable(s.OpenSlots, Math.Max(1, maxRows), catalog),
        };
        if (s.Recent.Count > 0) parts.Add(RecentEvents(s.Recent, t));
        if (s.Credentials is CredentialState.Expired or CredentialState.Missing) parts.Add(SessionPanel(s.Credentials, cookieFile, csrfFile, t));
        parts.Add(StatusLine(s, now, t));
        return new Rows(parts);
    }

    private static Table SlotTable(IReadOnlyList<WatchedSlot> slots, int maxRows, TextCatalog catalog)
    {
        var t = catalog.Watch;
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(t.ColumnOffice);
        table.AddColumn(t.ColumnDate);
        table.AddColumn(t.ColumnTime);
        table.AddColumn(new TableColumn(t.ColumnPlaces).RightAligned());
        table.AddColumn(t.ColumnFirstSeen);
        foreach (var slot in slots.Take(maxRows))
        {
            var places = slot.Announced
                ? new Text(slot.Record.Places.ToString(Inv), new Style(Color.Green, decoration: Decoration.Bold))
                : new Text(Format(t.PlacesOpensAt, slot.Record.Places, AvailabilityFormatter.Clock(slot.Office.BookableFrom)), new Style(Color.Grey));
            table.AddRow(
                new Text(slot.Office.DisplayName),
                new Text(catalog.Filters.DayName(slot.Key.Date.DayOfWeek) + " " + AvailabilityFormatter.Day(slot.Key.Date)),
                new Text(AvailabilityFormatter.Clock(slot.Key.Time)),
                places,
                new Text(Local(slot.Record.FirstSeen)));
        }
        table.Caption = new TableTitle(slots.Count switch
        {
            0 => t.NoOpenSlot,
            1 => t.OneOpenSlot,
            _ when slots.Count > maxRows => Format(t.OpenSlotsCut, slots.Count, slots.Count - maxRows),
            _ => Format(t.OpenSlots, slots.Count),
        });
        return table;
    }

    private static Rows RecentEvents(IReadOnlyList<WatchEvent> recent, WatchTexts t) =>
        new(recent.TakeLast(5).Select(e => e switch
        {
            SlotOpened o => new Text(Format(t.EventNew, Local(o.At), Describe(o.Slot), o.Slot.Record.Places), new Style(Color.Green)),
            SlotGone g => new Text(Format(t.EventGone, Local(g.At), Describe(g.Slot)), new Style(Color.Grey)),
            WatchError x => new Text(Format(t.EventError, Local(x.At), x.Scope, x.Message), new Style(Color.Yellow)),
            SessionExpired x => new Text(Format(t.EventSessionExpired, Local(x.At)), new Style(Color.Yellow)),
            SessionMissing x => new Text(Format(t.EventNoCredentials, Local(x.At)), new Style(Color.Yellow)),
            SessionResumed x => new Text(Format(t.EventSessionResumed, Local(x.At)), new Style(Color.Green)),
            _ => new Text(""),
        }));

    private static Panel SessionPanel(CredentialState state, string? cookieFile, string? csrfFile, WatchTexts t)
    {
        var headline = state == CredentialState.Expired ? t.SessionExpiredPanel : t.SessionMissingPanel;
        var lines = new List<IRenderable> { new Text(headline, new Style(Color.Yellow, decoration: Decoration.Bold)) };
        lines.AddRange(SessionHelp.Steps(t, cookieFile, csrfFile).Select(step => new Text(step)));
        lines.Add(new Text(t.SessionResume, new Style(Color.Grey)));
        return new Panel(new Rows(lines)).Header(t.SessionPanel).BorderColor(Color.Yellow);
    }

    private static Text StatusLine(WatchSnapshot s, DateTimeOffset now, WatchTexts t)
    {
        var parts = new List<string>
        {
            s.LastPollAt is { } last ? Format(t.StatusLastPoll, Local(last), Ago(now - last)) : t.StatusFirstPoll,
        };
        if (s.NextPollAt is { } next && next > now) parts.Add(Format(t.StatusNextIn, Ago(next - now)));
        parts.Add(s.Credentials switch
        {
            CredentialState.Valid => t.StatusSessionOk,
            CredentialState.Expired => t.StatusSessionExpired,
            _ => t.StatusNoCredentials,
        });
        parts.Add(Format(t.StatusPolls, s.Polls));
        if (s.LastError is { } error)
            parts.Add(s.ConsecutiveFailures > 0 ? Format(t.StatusBackingOff, s.ConsecutiveFailures, error) : Format(t.StatusLastError, error));
        var style = s.LastError is not null || s.Credentials != CredentialState.Valid ? new Style(Color.Yellow) : new Style(Color.Grey);
        return new Text(string.Join(" · ", parts), style);
    }

    private static string Format(string format, params object?[] values) => string.Format(Inv, format, values);

    private static string Describe(WatchedSlot slot) =>
        $"{slot.Office.Code} {AvailabilityFormatter.Day(slot.Key.Date)} {AvailabilityFormatter.Clock(slot.Key.Time)}";

    private static string Local(DateTimeOffset at) => RomeTime.ToRome(at).ToString("HH:mm:ss", Inv);

    // "s", "min" and "h" read the same in Italian and English.
    private static string Ago(TimeSpan span) => span.TotalSeconds < 90
        ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : span.TotalMinutes < 90 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalHours} h";
}
