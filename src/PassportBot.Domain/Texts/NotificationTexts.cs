namespace PassportBot.Domain.Texts;

/// <summary>The words of notifications (new, scheduled, gone, summary), shared by every target.
/// Plain text: each target adds its own markup. Placeholders are composite-format indexes.</summary>
public sealed record NotificationTexts
{
    public required string NewAvailability { get; init; }
    public required string BookableAt { get; init; }
    public required string NoLongerAvailable { get; init; }
    public required string FirstDate { get; init; }
    public required string Availability { get; init; }
    public required string SlotLine { get; init; }
    public required string GoneSlotLine { get; init; }
    public required string MoreSlots { get; init; }
    public required string Office { get; init; }
    public required string Address { get; init; }
    public required string Book { get; init; }
    public required string SummaryHeader { get; init; }
    public required string SummaryNone { get; init; }
    public required string MoreOffices { get; init; }

    /// <summary>Operator alert, a province channel refused a post: {0} the channel, {1} its provinces, {2} Telegram's
    /// reason, {3} minutes to the first retry, {4} how many posts are kept meanwhile, {5} their maximum age in minutes.</summary>
    public required string ChannelPaused { get; init; }
}
