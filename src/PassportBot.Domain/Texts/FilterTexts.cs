namespace PassportBot.Domain.Texts;

/// <summary>What the bot says about filters, offices, towns and privacy, in Telegram's HTML subset.
/// Placeholders are composite-format indexes and take values already HTML-encoded.</summary>
public sealed record FilterTexts
{
    public required string FiltersHeader { get; init; }
    public required string FiltersFooter { get; init; }
    public required string NoFilter { get; init; }
    public required string Before { get; init; }
    public required string Within { get; init; }
    public required string MinPlaces { get; init; }
    public required string Days { get; init; }
    public required string Quiet { get; init; }
    public required string Gone { get; init; }
    public required string OfficesOnly { get; init; }
    public required string AllOffices { get; init; }
    public required string Saved { get; init; }
    public required string Cleared { get; init; }

    public required string LabelBefore { get; init; }
    public required string LabelWithin { get; init; }
    public required string LabelMinPlaces { get; init; }
    public required string LabelDays { get; init; }
    public required string LabelQuiet { get; init; }
    public required string LabelGoneOn { get; init; }
    public required string LabelGoneOff { get; init; }
    public required string LabelOffices { get; init; }
    public required string ButtonClearAll { get; init; }
    public required string ButtonOff { get; init; }
    public required string ButtonFilters { get; init; }
    public required string ChooseValue { get; init; }
    public required string DaysPrompt { get; init; }
    public required string WithinValue { get; init; }
    public required string MinPlacesValue { get; init; }

    public required string UsageBefore { get; init; }
    public required string UsageWithin { get; init; }
    public required string UsageMinPlaces { get; init; }
    public required string UsageDays { get; init; }
    public required string UsageQuiet { get; init; }
    public required string UsageGone { get; init; }
    public required string ErrorNotADate { get; init; }
    public required string ErrorDateInPast { get; init; }
    public required string ErrorNotANumber { get; init; }
    public required string ErrorOutOfRange { get; init; }
    public required string ErrorUnknownDay { get; init; }
    public required string ErrorNotHours { get; init; }
    public required string ErrorNotOnOff { get; init; }

    public required string OfficesHeader { get; init; }
    public required string OfficesUsage { get; init; }
    public required string OfficesChooseProvince { get; init; }
    public required string OfficesNotFollowed { get; init; }
    public required string OfficesNotKnownYet { get; init; }
    /// <summary>A duration of one minute, and of several (<c>{0}</c> minutes).</summary>
    public required string OneMinute { get; init; }
    public required string Minutes { get; init; }
    public required string OfficesUnknownCodes { get; init; }
    public required string OfficesSaved { get; init; }
    public required string OfficesAtLeastOne { get; init; }
    public required string DaysAtLeastOne { get; init; }
    public required string OfficeFirstFree { get; init; }
    public required string OfficeNoneFree { get; init; }
    public required string ButtonAllOffices { get; init; }

    public required string TownUsage { get; init; }
    public required string TownNone { get; init; }
    public required string TownServedBy { get; init; }
    public required string TownMany { get; init; }
    public required string TownUnavailable { get; init; }
    public required string TownTooMany { get; init; }
    public required string ButtonFollow { get; init; }

    public required string Privacy { get; init; }
    public required string PrivacyNothing { get; init; }
    public required string ButtonErase { get; init; }
    public required string ConfirmErase { get; init; }
    public required string Erased { get; init; }

    /// <summary>Monday first.</summary>
    public required IReadOnlyList<string> DayNames { get; init; }

    public string DayName(DayOfWeek day) => DayNames[((int)day + 6) % 7];
}
