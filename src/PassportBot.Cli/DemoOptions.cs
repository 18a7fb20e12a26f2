using Microsoft.Extensions.Options;
using PassportBot.Domain;

namespace PassportBot.Cli;

/// <summary><c>Demo:*</c> configuration of <c>passportbot demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Provinces the console chat follows when no Telegram token is configured.</summary>
    public List<string> Provinces { get; set; } = [];

    /// <summary>Used when <see cref="Provinces"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultProvinces { get; } = ["TO", "MI", "RM"];
}

/// <summary>Every unknown province code of <c>Demo:Provinces</c>, one line each.</summary>
internal sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Provinces
            .Where(code => !ProvinceCatalog.TryNormalize(code, out _))
            .Select(code => $"Demo:Provinces has '{(code.Length <= 10 ? code : code[..10] + "…")}', which is not a province code (e.g. TO, MI, RM).")
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
