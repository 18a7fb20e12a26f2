using System.Globalization;
using System.Net;
using System.Text;

namespace PassportBot.Domain;

/// <summary>Turns slots into the texts users receive (Telegram HTML, also readable as plain text).</summary>
public static class AvailabilityFormatter
{
    /// <summary>Telegram's limit is 4096 characters; stay below it with room for the tail.</summary>
    public const int MaxMessageLength = 4000;

    public const string BookingUrl = "https://passaportonline.poliziadistato.it/";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The message for new slots of one office. <paramref name="opensAt"/> set = INSERT SCHEDULED.</summary>
    public static string NewSlots(Office office, IReadOnlyCollection<SlotObservation> slots, Language language, DateTimeOffset? opensAt = null)
    {
        var t = Texts.For(language);
        var ordered = slots.OrderBy(s => s.Key.Date).ThenBy(s => s.Key.Time).ToList();
        var sb = new StringBuilder();
        sb.Append("<b>");
        sb.Append(opensAt is { } at
            ? string.Format(Inv, t.BookableAt, RomeTime.ToRome(at).ToString("HH:mm", Inv))
            : t.NewAvailability);
        sb.Append("</b>\n");
        if (ordered.Count > 0) sb.Append(t.FirstDate).Append(": ").Append(Day(ordered[0].Key.Date)).Append('\n');
        sb.Append(t.Availability).Append(":\n");
        AppendSlots(sb, ordered, t, reserve: 400);
        AppendOffice(sb, office, t);
        return sb.ToString();
    }

    /// <summary>The summary sent on subscription: every open slot of the province, grouped by office.</summary>
    public static string Summary(Province province, IReadOnlyList<(Office Office, IReadOnlyList<SlotObservation> Slots)> open, Language language)
    {
        var t = Texts.For(language);
        var sb = new StringBuilder();
        var withSlots = open.Where(o => o.Slots.Count > 0).OrderBy(o => o.Slots.Min(s => s.Key.Date)).ToList();
        if (withSlots.Count == 0)
        {
            sb.Append(string.Format(Inv, t.SummaryNone, Html(province.Name), province.Code));
            return sb.ToString();
        }
        sb.Append("<b>").Append(string.Format(Inv, t.SummaryHeader, Html(province.Name), province.Code)).Append("</b>\n");
        var omittedOffices = 0;
        foreach (var (office, slots) in withSlots)
        {
            if (sb.Length > MaxMessageLength - 600) { omittedOffices++; continue; }
            sb.Append('\n').Append("<b>").Append(Html(office.DisplayName)).Append("</b>\n");
            sb.Append(Html(office.Address)).Append('\n');
            AppendSlots(sb, slots.OrderBy(s => s.Key.Date).ThenBy(s => s.Key.Time).ToList(), t, reserve: 800);
        }
        if (omittedOffices > 0) sb.Append('\n').Append(string.Format(Inv, t.MoreOffices, omittedOffices)).Append('\n');
        sb.Append('\n').Append(t.Book).Append(": ").Append(BookingUrl);
        return sb.ToString();
    }

    /// <summary>dd/MM/yyyy, as the seed and the site show dates.</summary>
    public static string Day(DateOnly date) => date.ToString("dd/MM/yyyy", Inv);

    public static string Clock(TimeOnly time) => time.ToString("HH:mm", Inv);

    public static string Html(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static void AppendSlots(StringBuilder sb, IReadOnlyList<SlotObservation> ordered, Texts t, int reserve)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            if (sb.Length > MaxMessageLength - reserve)
            {
                sb.Append("   ").Append(string.Format(Inv, t.MoreSlots, ordered.Count - i)).Append('\n');
                return;
            }
            var s = ordered[i];
            sb.Append("   ").Append(string.Format(Inv, t.SlotLine, Day(s.Key.Date), Clock(s.Key.Time), s.Places)).Append('\n');
        }
    }

    private static void AppendOffice(StringBuilder sb, Office office, Texts t)
    {
        sb.Append(t.Office).Append(": ").Append(Html(office.DisplayName)).Append('\n');
        var address = string.IsNullOrWhiteSpace(office.City) || office.Address.Contains(office.City, StringComparison.OrdinalIgnoreCase)
            ? office.Address
            : $"{office.Address} {office.City}";
        sb.Append(t.Address).Append(": ").Append(Html(address)).Append('\n');
        sb.Append(t.Book).Append(": ").Append(BookingUrl);
    }

    private sealed record Texts(
        string NewAvailability, string BookableAt, string FirstDate, string Availability, string SlotLine,
        string MoreSlots, string Office, string Address, string Book, string SummaryHeader, string SummaryNone, string MoreOffices)
    {
        private static readonly Texts It = new(
            "Nuova disponibilità:",
            "Prenotabile dalle {0}:",
            "Prima data",
            "Disponibilità",
            "{0} ore {1} Posti disponibili: {2}",
            "… e altri {0} appuntamenti",
            "Ufficio",
            "Indirizzo",
            "Prenota",
            "Appuntamenti disponibili ora a {0} ({1}):",
            "Al momento non ci sono appuntamenti disponibili a {0} ({1}). Ti avviserò appena se ne libera uno.",
            "… e altri {0} uffici");

        private static readonly Texts En = new(
            "New availability:",
            "Bookable from {0}:",
            "First Date",
            "Availability",
            "{0} at {1} Available slots: {2}",
            "… and {0} more slots",
            "Office",
            "Address",
            "Book",
            "Slots open now in {0} ({1}):",
            "There are no open slots in {0} ({1}) right now. I will tell you as soon as one frees up.",
            "… and {0} more offices");

        public static Texts For(Language language) => language == Language.English ? En : It;
    }
}
