using System.Diagnostics.CodeAnalysis;

namespace PassportBot.Domain.Filters;

/// <summary>A parsed filter argument: either a value (null meaning "off", no restriction) or an error.</summary>
public readonly record struct FilterInputResult<T>
{
    private FilterInputResult(T value, FilterInputError? error)
    {
        Value = value;
        Error = error;
    }

    public T Value { get; }

    public FilterInputError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    public static FilterInputResult<T> Ok(T value) => new(value, null);

    public static FilterInputResult<T> Fail(FilterInputErrorKind kind, string input) =>
        new(default!, new FilterInputError(kind, input.Length > 40 ? input[..40] : input));
}
