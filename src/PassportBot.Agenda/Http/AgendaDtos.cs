using System.Text.Json;
using System.Text.Json.Serialization;

namespace PassportBot.Agenda.Http;

// Wire shapes of the agenda site, Italian names as the site spells them (including "indrizzo").
// Everything is optional: the mapper decides what a row needs; unknown fields are ignored.

internal sealed record PageInfoDto(
    [property: JsonPropertyName("skipResults")] int? SkipResults,
    [property: JsonPropertyName("maxResults")] int? MaxResults,
    [property: JsonPropertyName("totalCount")] int? TotalCount);

internal sealed record OfficeListRequestDto(
    [property: JsonPropertyName("disponibilitaNonResidenti")] bool DisponibilitaNonResidenti,
    [property: JsonPropertyName("minorenne")] bool Minorenne,
    [property: JsonPropertyName("minorenneDodici")] bool MinorenneDodici,
    [property: JsonPropertyName("comune")] ComuneRefDto Comune,
    [property: JsonPropertyName("pageInfo")] PageRequestDto PageInfo,
    [property: JsonPropertyName("sortInfo")] SortInfoDto SortInfo);

internal sealed record ComuneRefDto([property: JsonPropertyName("provinciaQuestura")] string ProvinciaQuestura);

internal sealed record PageRequestDto(
    [property: JsonPropertyName("maxResults")] int MaxResults,
    [property: JsonPropertyName("skipResults")] int SkipResults);

internal sealed record SortInfoDto([property: JsonPropertyName("sortList")] IReadOnlyList<SortDto> SortList);

internal sealed record SortDto(
    [property: JsonPropertyName("sortDirection")] int SortDirection,
    [property: JsonPropertyName("sortProperty")] string SortProperty);

internal sealed record OfficeListResponseDto(
    [property: JsonPropertyName("pageInfo")] PageInfoDto? PageInfo,
    [property: JsonPropertyName("list")] IReadOnlyList<OfficeDto?>? List);

internal sealed record OfficeDto(
    [property: JsonPropertyName("id")] int? Id,
    [property: JsonPropertyName("codice")] string? Codice,
    [property: JsonPropertyName("descrizione")] string? Descrizione,
    [property: JsonPropertyName("indirizzo")] string? Indirizzo,
    [property: JsonPropertyName("comune")] string? Comune,
    [property: JsonPropertyName("citta")] string? Citta,
    [property: JsonPropertyName("dataPrimaDisponibilitaResidenti")] string? DataPrimaDisponibilitaResidenti,
    [property: JsonPropertyName("orarioDisponibilita")] string? OrarioDisponibilita);

internal sealed record MonthRequestDto(
    [property: JsonPropertyName("sede")] SedeRefDto Sede,
    [property: JsonPropertyName("dataRiferimento"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DataRiferimento,
    [property: JsonPropertyName("indietro"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Indietro);

internal sealed record SedeRefDto([property: JsonPropertyName("id")] int Id);

internal sealed record MonthResponseDto([property: JsonPropertyName("elenco")] IReadOnlyList<SlotDto?>? Elenco);

internal sealed record SlotDto(
    [property: JsonPropertyName("objectKey")] string? ObjectKey,
    [property: JsonPropertyName("giorno")] long? Giorno,
    [property: JsonPropertyName("ora")] string? Ora,
    [property: JsonPropertyName("totAppuntamenti")] int? TotAppuntamenti,
    [property: JsonPropertyName("totAppuntamentiPresi")] int? TotAppuntamentiPresi,
    [property: JsonPropertyName("comune")] string? Comune,
    [property: JsonPropertyName("indrizzo")] string? Indrizzo);

internal sealed record MunicipalityResponseDto([property: JsonPropertyName("elenco")] IReadOnlyList<MunicipalityDto?>? Elenco);

internal sealed record MunicipalityDto(
    [property: JsonPropertyName("id"), JsonConverter(typeof(StringOrNumberConverter))] string? Id,
    [property: JsonPropertyName("denominazione")] string? Denominazione,
    [property: JsonPropertyName("provincia")] string? Provincia,
    [property: JsonPropertyName("provinciaQuestura")] string? ProvinciaQuestura);

/// <summary>The site sends some ids as strings and others as numbers; accept both.</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"Expected a string or a number, got {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}

internal static class AgendaJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}
