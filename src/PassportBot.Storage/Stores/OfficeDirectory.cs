using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class OfficeDirectory(StorageDatabase database) : IOfficeDirectory
{
    public async Task<IReadOnlyList<OfficeSummary>> GetOfficesAsync(string province, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var offices = (await connection.QueryAsync<OfficeRow>(new CommandDefinition(
            $"SELECT {OfficeRow.Columns} FROM offices o WHERE o.province = @province ORDER BY o.code, o.id",
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        // Dates are 'yyyy-MM-dd' text, so MIN is the earliest day on every provider.
        var firstDates = (await connection.QueryAsync<(long OfficeId, string First)>(new CommandDefinition(
            "SELECT office_id, MIN(date) FROM slots WHERE province = @province AND gone_at IS NULL GROUP BY office_id",
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.OfficeId, r => DbValues.ParseDate(r.First));
        return offices.Select(o => new OfficeSummary(o.ToOffice(), firstDates.TryGetValue(o.Id, out var d) ? d : null)).ToList();
    }
}
