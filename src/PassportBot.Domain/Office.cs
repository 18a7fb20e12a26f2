namespace PassportBot.Domain;

/// <summary>A police office that takes passport appointments (Questura or Commissariato).</summary>
/// <param name="Id">The agenda's numeric office id (stable).</param>
/// <param name="Code">Office code, e.g. TOPQ60.</param>
/// <param name="Name">Office name without the code, e.g. "Questura di Torino".</param>
/// <param name="Province">Agenda (Questura) province code, e.g. TO.</param>
/// <param name="BookableFrom">Rome local time of day from which this office's slots can be booked.</param>
public sealed record Office(
    int Id,
    string Code,
    string Name,
    string Address,
    string City,
    string Province,
    TimeOnly BookableFrom)
{
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }

    /// <summary>"TOPQ60 - Questura di Torino".</summary>
    public string DisplayName => string.IsNullOrEmpty(Code) ? Name : $"{Code} - {Name}";
}
