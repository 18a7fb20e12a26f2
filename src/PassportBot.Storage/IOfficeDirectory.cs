namespace PassportBot.Storage;

/// <summary>The offices the poller has seen, for users choosing which ones to follow.</summary>
public interface IOfficeDirectory
{
    /// <summary>Offices of the agenda province ordered by code; empty when the province was never polled.</summary>
    Task<IReadOnlyList<OfficeSummary>> GetOfficesAsync(string province, CancellationToken cancellationToken);
}
