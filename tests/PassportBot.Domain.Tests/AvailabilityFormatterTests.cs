using PassportBot.Domain;
using PassportBot.Domain.Notifications;

namespace PassportBot.Domain.Tests;

public class AvailabilityFormatterTests
{
    private static readonly Office Turin = new(40, "TOPQ60", "Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0));

    private static SlotObservation Slot(int d, int h, int m = 0, int places = 1) =>
        new(new SlotKey(40, new DateOnly(2023, 12, d), new TimeOnly(h, m)), places);

    [Fact]
    public void English_message_has_the_seed_content()
    {
        var text = AvailabilityFormatter.NewSlots(Turin, [Slot(20, 9), Slot(19, 17)], Language.English);
        Assert.Equal(
            "<b>New availability:</b>\n" +
            "First Date: 19/12/2023\n" +
            "Availability:\n" +
            "   19/12/2023 at 17:00 Available slots: 1\n" +
            "   20/12/2023 at 09:00 Available slots: 1\n" +
            "Office: TOPQ60 - Questura di Torino\n" +
            "Address: Piazza Cesare Augusto, 5 TORINO\n" +
            "Book: https://passaportonline.poliziadistato.it/",
            text);
    }

    [Fact]
    public void Italian_is_the_default_wording()
    {
        var text = AvailabilityFormatter.NewSlots(Turin, [Slot(19, 17, places: 3)], Language.Italian);
        Assert.StartsWith("<b>Nuova disponibilità:</b>\nPrima data: 19/12/2023\n", text);
        Assert.Contains("19/12/2023 ore 17:00 Posti disponibili: 3", text);
        Assert.Contains("Ufficio: TOPQ60 - Questura di Torino", text);
        Assert.Contains("Indirizzo: Piazza Cesare Augusto, 5 TORINO", text);
    }

    [Fact]
    public void Scheduled_slots_say_when_they_become_bookable_in_rome_time()
    {
        var opensAt = RomeTime.At(new DateOnly(2023, 12, 18), new TimeOnly(9, 0));
        Assert.StartsWith("<b>Bookable from 09:00:</b>", AvailabilityFormatter.NewSlots(Turin, [Slot(19, 17)], Language.English, opensAt));
        Assert.StartsWith("<b>Prenotabile dalle 09:00:</b>", AvailabilityFormatter.NewSlots(Turin, [Slot(19, 17)], Language.Italian, opensAt));
    }

    [Fact]
    public void Html_in_site_data_is_escaped()
    {
        var office = Turin with { Name = "Questura <b>di</b> & Torino", Address = "Via <script>" };
        var text = AvailabilityFormatter.NewSlots(office, [Slot(19, 17)], Language.English);
        Assert.Contains("Questura &lt;b&gt;di&lt;/b&gt; &amp; Torino", text);
        Assert.DoesNotContain("<script>", text);
    }

    [Fact]
    public void Huge_slot_lists_stay_within_telegram_limits()
    {
        var many = Enumerable.Range(0, 2000).Select(i => new SlotObservation(new SlotKey(40, new DateOnly(2024, 1, 1).AddDays(i / 40), new TimeOnly(8, 0).AddMinutes(i % 40 * 10)), 1)).ToList();
        var text = AvailabilityFormatter.NewSlots(Turin, many, Language.English);
        Assert.True(text.Length <= 4096, $"length {text.Length}");
        Assert.Contains("more slots", text);
        Assert.EndsWith("Book: https://passaportonline.poliziadistato.it/", text);
    }

    [Fact]
    public void Summary_lists_open_slots_by_office_or_says_there_are_none()
    {
        Assert.True(ProvinceCatalog.TryGet("TO", out var to));
        var none = AvailabilityFormatter.Summary(to, Array.Empty<OfficeSlots>(), Language.English);
        Assert.Contains("no open slots in Torino (TO)", none);

        var some = AvailabilityFormatter.Summary(to, [new OfficeSlots(Turin, [NotifiedSlot.From(Slot(19, 17))])], Language.Italian);
        Assert.Contains("Appuntamenti disponibili ora a Torino (TO)", some);
        Assert.Contains("TOPQ60 - Questura di Torino", some);
        Assert.Contains("19/12/2023 ore 17:00 Posti disponibili: 1", some);
    }

    [Fact]
    public void Summary_of_many_offices_stays_within_telegram_limits()
    {
        Assert.True(ProvinceCatalog.TryGet("RM", out var rm));
        var offices = Enumerable.Range(1, 80)
            .Select(i => new OfficeSlots(Turin with { Id = i, Code = $"RMPC{i:00}" }, Enumerable.Range(0, 30).Select(j => new NotifiedSlot(new DateOnly(2024, 2, 1).AddDays(j), new TimeOnly(9, 0), 2)).ToList()))
            .ToList();
        var text = AvailabilityFormatter.Summary(rm, offices, Language.English);
        Assert.True(text.Length <= 4096, $"length {text.Length}");
        Assert.Contains("more offices", text);
    }

    [Fact]
    public void Gone_slots_are_listed_without_places_in_both_languages()
    {
        var gone = new Notification(NotificationKind.Gone, Language.English, "TO", [new OfficeSlots(Turin, [new NotifiedSlot(new DateOnly(2023, 12, 19), new TimeOnly(17, 0), 2)])]);
        Assert.Equal(
            "<b>No longer available:</b>\n   19/12/2023 at 17:00\nOffice: TOPQ60 - Questura di Torino",
            AvailabilityFormatter.Render(gone).Text);
        Assert.StartsWith("<b>Non più disponibile:</b>\n   19/12/2023 ore 17:00\n", AvailabilityFormatter.Render(gone with { Language = Language.Italian }).Text);
    }

    [Fact]
    public void Rendering_a_notification_gives_the_same_text_as_the_formatter_and_alerts_stay_plain()
    {
        var opensAt = RomeTime.At(new DateOnly(2023, 12, 18), new TimeOnly(9, 0));
        var scheduled = new Notification(NotificationKind.Scheduled, Language.English, "TO", [new OfficeSlots(Turin, [NotifiedSlot.From(Slot(19, 17))])], opensAt);
        var rendered = AvailabilityFormatter.Render(scheduled);
        Assert.True(rendered.IsHtml);
        Assert.Equal(AvailabilityFormatter.NewSlots(Turin, [Slot(19, 17)], Language.English, opensAt), rendered.Text);

        var alert = AvailabilityFormatter.Render(new Notification(NotificationKind.Alert, Language.English, null, [], Text: "Session <expired>"));
        Assert.False(alert.IsHtml);
        Assert.Equal("Session <expired>", alert.Text);
    }
}
