using System.Globalization;
using System.Text;
using PassportBot.Watch.Tracking;

namespace PassportBot.Watch.Output;

/// <summary>The <c>--plain</c> interface: one line per event, for pipes and logs. Stable: fields are only ever
/// added at the end of a line, so parsers should ignore keys they do not know.
/// <code>
/// NEW &lt;office code&gt; &lt;yyyy-MM-dd&gt; &lt;HH:mm&gt; places=&lt;n&gt; office="&lt;name&gt;" province=&lt;XX&gt; first_seen=&lt;UTC&gt;[ bookable_at=&lt;UTC&gt;]
/// GONE &lt;office code&gt; &lt;yyyy-MM-dd&gt; &lt;HH:mm&gt; places=&lt;last n&gt; office="&lt;name&gt;" province=&lt;XX&gt; first_seen=&lt;UTC&gt; gone_at=&lt;UTC&gt;
/// SESSION EXPIRED at=&lt;UTC&gt; reason="&lt;text&gt;"
/// SESSION MISSING at=&lt;UTC&gt;
/// SESSION RESUMED at=&lt;UTC&gt;
/// ERROR &lt;scope&gt; at=&lt;UTC&gt;[ retry_in=&lt;seconds&gt;s] message="&lt;text&gt;"
/// </code>
/// Dates and times of slots are Europe/Rome wall-clock, as the site shows them; instants are UTC,
/// <c>yyyy-MM-ddTHH:mm:ssZ</c>. Quoted values escape <c>"</c> and <c>\</c> with a backslash and carry no line breaks.
/// The scope of an ERROR is a province code, <c>telegram</c> or <c>state</c>.</summary>
public static class PlainEventFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(WatchEvent e) => e switch
    {
        SlotOpened o => Slot("NEW", o.Slot, o.Slot.Record.Places)
            + (o.BookableAt is { } b ? " bookable_at=" + Instant(b) : ""),
        SlotGone g => Slot("GONE", g.Slot, g.LastPlaces) + " gone_at=" + Instant(g.Slot.Record.GoneAt ?? g.At),
        SessionExpired x => $"SESSION EXPIRED at={Instant(x.At)} reason={Quote(x.Reason)}",
        SessionMissing m => $"SESSION MISSING at={Instant(m.At)}",
        SessionResumed r => $"SESSION RESUMED at={Instant(r.At)}",
        WatchError err => $"ERROR {err.Scope} at={Instant(err.At)}"
            + (err.RetryIn is { } retry ? string.Create(Inv, $" retry_in={Math.Ceiling(retry.TotalSeconds):0}s") : "")
            + " message=" + Quote(err.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown watch event."),
    };

    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Inv);

    public static string Quote(string? text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text ?? "")
        {
            switch (c)
            {
                case '"' or '\\': sb.Append('\\').Append(c); break;
                case '\r' or '\n' or '\t': sb.Append(' '); break;
                default: if (!char.IsControl(c)) sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string Slot(string verb, WatchedSlot slot, int places)
    {
        var office = slot.Office;
        var code = string.IsNullOrWhiteSpace(office.Code) ? office.Id.ToString(Inv) : office.Code;
        return string.Create(Inv,
            $"{verb} {code} {slot.Key.Date:yyyy-MM-dd} {slot.Key.Time:HH\\:mm} places={places} office={Quote(office.Name)} province={slot.Record.Province} first_seen={Instant(slot.Record.FirstSeen)}");
    }
}
