namespace PassportBot.Domain.Filters;

/// <summary>Why a filter argument was refused; the bot words it in the user's language.</summary>
public enum FilterInputErrorKind
{
    /// <summary>Nothing after the command.</summary>
    Missing,
    /// <summary>Not a date in 2027-03-31 or 31/03/2027 form.</summary>
    NotADate,
    /// <summary>A date before today: no slot could ever pass.</summary>
    DateInPast,
    /// <summary>Not a whole number.</summary>
    NotANumber,
    /// <summary>A number outside the allowed range (see <see cref="FilterInput"/> limits).</summary>
    OutOfRange,
    /// <summary>A word that is no weekday in Italian or English.</summary>
    UnknownDay,
    /// <summary>Not an hour range such as 23-07.</summary>
    NotHours,
    /// <summary>Not on/off.</summary>
    NotOnOff,
}

/// <summary>A refused filter argument: what was wrong and the offending text (trimmed, at most 40 characters).</summary>
public sealed record FilterInputError(FilterInputErrorKind Kind, string Input);
