using Dapper;
using PassportBot.Domain;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class AvailabilityStore(StorageDatabase database, SlotWriter writer, TimeProvider timeProvider) : IAvailabilityStore
{
    public async Task<IProvinceUnitOfWork> BeginAsync(string province, CancellationToken cancellationToken) =>
        await ProvinceUnitOfWork.BeginAsync(database, writer, timeProvider, province, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<(Office Office, IReadOnlyList<SlotObservation> Slots)>> GetOpenSlotsAsync(string province, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<OfficeRow, SlotRow, (OfficeRow Office, SlotRow Slot)>(new CommandDefinition(
            $"""
            SELECT {OfficeRow.Columns}, {SlotRow.Columns}
            FROM slots s JOIN offices o ON o.id = s.office_id
            WHERE s.province = @province AND s.gone_at IS NULL
            ORDER BY o.id, s.date, s.time
            """,
            new { province }, cancellationToken: cancellationToken),
            (office, slot) => (office, slot), splitOn: "OfficeId").ConfigureAwait(false);

        return rows
            .GroupBy(r => r.Office.Id)
            .Select(g => (g.First().Office.ToOffice(), (IReadOnlyList<SlotObservation>)g.Select(r => new SlotObservation(r.Slot.Key, (int)r.Slot.Places)).ToList()))
            .ToList();
    }
}
