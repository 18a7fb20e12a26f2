using System.Globalization;
using System.Net;
using System.Text;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Texts;

namespace PassportBot.Domain;

/// <summary>A notification rendered for Telegram: HTML (also readable as plain text) or plain text.</summary>
public sealed record RenderedText(string Text, bool IsHtml);

/// <summary>Renders notifications as the texts users receive in Telegram (HTML, also readable as plain text),
/// with the words of <see cref="NotificationTexts"/>.</summary>
public static class AvailabilityFormatter
{
    /// <summary>Telegram's limit is 4096 characters; stay below it with room for the tail.</summary>
    public const int MaxMessageLength = 4000;

    public const string BookingUrl = "https://passaportonline.poliziadistato.it/";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The Telegram text of any notification.</summary>
    public static RenderedText Render(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var offices = notification.Offices ?? [];
        switch (notification.Kind)
        {
            case NotificationKind.New or NotificationKind.Scheduled when offices.Count > 1:
                return new RenderedText(NewSlots(offices, notification.Language,
                    notification.Kind == NotificationKind.Scheduled ? notification.BookableAt : null), true);
            case NotificationKind.Gone when offices.Count > 1:
                return new RenderedText(Gone(offices, notification.Language), true);
            case NotificationKind.New or NotificationKind.Scheduled when offices.Count > 0:
            {
                var opensAt = notification.Kind == NotificationKind.Scheduled ? notification.BookableAt : null;
                return new RenderedText(NewSlots(offices[0].Office, offices[0].Slots, notification.Language, opensAt), true);
            }
            case NotificationKind.Gone when offices.Count > 0:
                return new RenderedText(Gone(offices[0].Office, offices[0].Slots, notification.Language), true);
            case NotificationKind.Summary:
            {
                var code = notification.Province ?? "";
                var province = ProvinceCatalog.ForQuestura(code) ?? new Province(code, code, code, "");
                return new RenderedText(Summary(province, offices, notification.Language), true);
            }
            default:
                return new RenderedText(notification.Text ?? string.Empty, false);
        }
    }

    /// <summary>The message for new slots of one office. <paramref name="opensAt"/> set = INSERT SCHEDULED.</summary>
    public static string NewSlots(Office office, IReadOnlyCollection<SlotObservation> slots, Language language, DateTimeOffset? opensAt = null) =>
        NewSlots(office, slots.Select(NotifiedSlot.From).ToList(), language, opensAt);

    public static string NewSlots(Office office, IReadOnlyList<NotifiedSlot> slots, Language language, DateTimeOffset? opensAt = null)
    {
        var t = TextCatalog.For(language).Notifications;
        var ordered = Order(slots);
        var sb = new StringBuilder();
        sb.Append("<b>");
        sb.Append(opensAt is { } at
            ? string.Format(Inv, t.BookableAt, RomeTime.ToRome(at).ToString("HH:mm", Inv))
            : t.NewAvailability);
        sb.Append("</b>\n");
        if (ordered.Count > 0) sb.Append(t.FirstDate).Append(": ").Append(Day(ordered[0].Date)).Append('\n');
        sb.Append(t.Availability).Append(":\n");
        AppendSlots(sb, ordered, t, reserve: 400, t.SlotLine);
        AppendOffice(sb, office, t);
        return sb.ToString();
    }

    /// <summary>Slots per office shown in a post that merges several offices, so that many offices fit.</summary>
    public const int MergedSlotsPerOffice = 6;

    /// <summary>New slots of several offices in one message (a channel post merged to stay within the channel's
    /// budget): one header, a block per office, one booking link. Offices that do not fit are counted.</summary>
    public static string NewSlots(IReadOnlyList<OfficeSlots> offices, Language language, DateTimeOffset? opensAt = null)
    {
        var t = TextCatalog.For(language).Notifications;
        var sb = new StringBuilder();
        sb.Append("<b>");
        sb.Append(opensAt is { } at
            ? string.Format(Inv, t.BookableAt, RomeTime.ToRome(at).ToString("HH:mm", Inv))
            : t.NewAvailability);
        sb.Append("</b>\n");
        var omitted = 0;
        foreach (var (office, slots) in offices)
        {
            if (sb.Length > MaxMessageLength - 900) { omitted++; continue; }
            var ordered = Order(slots);
            sb.Append('\n').Append(t.Office).Append(": <b>").Append(Html(office.DisplayName)).Append("</b>\n");
            sb.Append(t.Address).Append(": ").Append(Html(FullAddress(office))).Append('\n');
            if (ordered.Count > 0) sb.Append(t.FirstDate).Append(": ").Append(Day(ordered[0].Date)).Append('\n');
            AppendSlots(sb, ordered, t, reserve: 600, t.SlotLine, MergedSlotsPerOffice);
        }
        if (omitted > 0) sb.Append('\n').Append(string.Format(Inv, t.MoreOffices, omitted)).Append('\n');
        sb.Append('\n').Append(t.Book).Append(": ").Append(BookingUrl);
        return sb.ToString();
    }

    /// <summary>"No longer available" for several offices in one message.</summary>
    public static string Gone(IReadOnlyList<OfficeSlots> offices, Language language)
    {
        var t = TextCatalog.For(language).Notifications;
        var sb = new StringBuilder();
        sb.Append("<b>").Append(t.NoLongerAvailable).Append("</b>\n");
        var omitted = 0;
        foreach (var (office, slots) in offices)
        {
            if (sb.Length > MaxMessageLength - 600) { omitted++; continue; }
            sb.Append('\n').Append(t.Office).Append(": ").Append(Html(office.DisplayName)).Append('\n');
            AppendSlots(sb, Order(slots), t, reserve: 400, t.GoneSlotLine, MergedSlotsPerOffice);
        }
        if (omitted > 0) sb.Append('\n').Append(string.Format(Inv, t.MoreOffices, omitted));
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>"No longer available": slots the recipient was told about that are gone.</summary>
    public static string Gone(Office office, IReadOnlyList<NotifiedSlot> slots, Language language)
    {
        var t = TextCatalog.For(language).Notifications;
        var sb = new StringBuilder();
        sb.Append("<b>").Append(t.NoLongerAvailable).Append("</b>\n");
        AppendSlots(sb, Order(slots), t, reserve: 400, t.GoneSlotLine);
        sb.Append(t.Office).Append(": ").Append(Html(office.DisplayName));
        return sb.ToString();
    }

    /// <summary>The summary sent on subscription: every open slot of the province, grouped by office.</summary>
    public static string Summary(Province province, IReadOnlyList<OfficeSlots> open, Language language)
    {
        var t = TextCatalog.For(language).Notifications;
        var sb = new StringBuilder();
        var withSlots = open.Where(o => o.Slots.Count > 0).OrderBy(o => o.Slots.Min(s => s.Date)).ToList();
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
            AppendSlots(sb, Order(slots), t, reserve: 800, t.SlotLine);
        }
        if (omittedOffices > 0) sb.Append('\n').Append(string.Format(Inv, t.MoreOffices, omittedOffices)).Append('\n');
        sb.Append('\n').Append(t.Book).Append(": ").Append(BookingUrl);
        return sb.ToString();
    }

    /// <summary>dd/MM/yyyy, as the seed and the site show dates.</summary>
    public static string Day(DateOnly date) => date.ToString("dd/MM/yyyy", Inv);

    public static string Clock(TimeOnly time) => time.ToString("HH:mm", Inv);

    public static string Html(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static List<NotifiedSlot> Order(IReadOnlyList<NotifiedSlot> slots) =>
        (slots ?? []).OrderBy(s => s.Date).ThenBy(s => s.Time).ToList();

    private static void AppendSlots(StringBuilder sb, IReadOnlyList<NotifiedSlot> ordered, NotificationTexts t, int reserve, string line, int maxLines = int.MaxValue)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            if (sb.Length > MaxMessageLength - reserve || i >= maxLines)
            {
                sb.Append("   ").Append(string.Format(Inv, t.MoreSlots, ordered.Count - i)).Append('\n');
                return;
            }
            var s = ordered[i];
            sb.Append("   ").Append(string.Format(Inv, line, Day(s.Date), Clock(s.Time), s.Places)).Append('\n');
        }
    }

    private static string FullAddress(Office office) =>
        string.IsNullOrWhiteSpace(office.City) || office.Address.Contains(office.City, StringComparison.OrdinalIgnoreCase)
            ? office.Address
            : $"{office.Address} {office.City}";

    private static void AppendOffice(StringBuilder sb, Office office, NotificationTexts t)
    {
        sb.Append(t.Office).Append(": ").Append(Html(office.DisplayName)).Append('\n');
        sb.Append(t.Address).Append(": ").Append(Html(FullAddress(office))).Append('\n');
        sb.Append(t.Book).Append(": ").Append(BookingUrl);
    }
}
