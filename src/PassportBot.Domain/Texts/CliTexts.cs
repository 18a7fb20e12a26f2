namespace PassportBot.Domain.Texts;

/// <summary>The help of the <c>passportbot</c> command and of its server commands. Plain text.</summary>
public sealed record CliTexts
{
    public required string Root { get; init; }
    public required string Run { get; init; }
    public required string Demo { get; init; }
    public required string Poller { get; init; }
    public required string Bot { get; init; }
    public required string UserHandler { get; init; }
    public required string AvailabilityHandler { get; init; }
    public required string Dispatcher { get; init; }
    public required string Web { get; init; }
    public required string Migrate { get; init; }
    public required string Dlq { get; init; }
    public required string DlqList { get; init; }
    public required string DlqReplay { get; init; }
    public required string DlqQueue { get; init; }
    public required string DlqMax { get; init; }
    public required string HelpOption { get; init; }
    public required string VersionOption { get; init; }
}
