namespace PassportBot.Domain.Notifications;

/// <summary>The words of notifications, one catalogue per language. Placeholders are composite-format indexes.</summary>
public sealed record NotificationTexts(
    string NewAvailability,
    string BookableAt,
    string NoLongerAvailable,
    string FirstDate,
    string Availability,
    string SlotLine,
    string GoneSlotLine,
    string MoreSlots,
    string Office,
    string Address,
    string Book,
    string SummaryHeader,
    string SummaryNone,
    string MoreOffices)
{
    public static NotificationTexts Italian { get; } = new(
        NewAvailability: "Nuova disponibilità:",
        BookableAt: "Prenotabile dalle {0}:",
        NoLongerAvailable: "Non più disponibile:",
        FirstDate: "Prima data",
        Availability: "Disponibilità",
        SlotLine: "{0} ore {1} Posti disponibili: {2}",
        GoneSlotLine: "{0} ore {1}",
        MoreSlots: "… e altri {0} appuntamenti",
        Office: "Ufficio",
        Address: "Indirizzo",
        Book: "Prenota",
        SummaryHeader: "Appuntamenti disponibili ora a {0} ({1}):",
        SummaryNone: "Al momento non ci sono appuntamenti disponibili a {0} ({1}). Ti avviserò appena se ne libera uno.",
        MoreOffices: "… e altri {0} uffici");

    public static NotificationTexts English { get; } = new(
        NewAvailability: "New availability:",
        BookableAt: "Bookable from {0}:",
        NoLongerAvailable: "No longer available:",
        FirstDate: "First Date",
        Availability: "Availability",
        SlotLine: "{0} at {1} Available slots: {2}",
        GoneSlotLine: "{0} at {1}",
        MoreSlots: "… and {0} more slots",
        Office: "Office",
        Address: "Address",
        Book: "Book",
        SummaryHeader: "Slots open now in {0} ({1}):",
        SummaryNone: "There are no open slots in {0} ({1}) right now. I will tell you as soon as one frees up.",
        MoreOffices: "… and {0} more offices");

    public static NotificationTexts For(Language language) => language == Domain.Language.English ? English : Italian;
}
