using System.Text;
using System.Text.Json;
using CsCheck;
using PassportBot.Agenda.Credentials;
using PassportBot.Agenda.Http;
using PassportBot.Domain;

namespace PassportBot.Agenda.Tests;

/// <summary>Whatever the site sends, reading it never crashes: each parser either gives a value or says no.
/// Thousands of generated cases per property; a case that failed once is kept below as a plain test.</summary>
public sealed class AgendaPropertyTests
{
    private const int Cases = 5_000;
    private static readonly DateOnly Today = new(2026, 12, 1);

    /// <summary>Text near the formats the site uses, plus anything at all.</summary>
    private static readonly Gen<string> SiteText = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char["0123456789.:-/ TZ+|_"], 0, 30],
        Gen.OneOf("9.00", "09.00", "17.30", "24.00", "9:60", "", " ", "2023-12-19T00:00:00Z", "2023-12-19T00:00:00+01:00",
            "2023-12-19", "40||_||19/12/2023||_||17.00", "||_||||_||", "-1||_||31/02/2023||_||9.00", "TOPQ60 - Questura di Torino", " - ", "X - "));

    private static readonly Gen<JsonScalar> Scalar = Gen.OneOf(
        SiteText.Select(s => new JsonScalar(JsonSerializer.Serialize(s))),
        Gen.Long.Select(n => new JsonScalar(n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        Gen.Double.Where(double.IsFinite).Select(d => new JsonScalar(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
        Gen.OneOf(new JsonScalar("null"), new JsonScalar("true"), new JsonScalar("false"), new JsonScalar("[]"), new JsonScalar("{}"),
            new JsonScalar("9223372036854775807"), new JsonScalar("-9223372036854775808"), new JsonScalar("1e308"), new JsonScalar("\"\"")));

    private static Gen<string> Row(params string[] fields) =>
        Gen.Select(Gen.Bool.Array[fields.Length], Scalar.Array[fields.Length], (present, values) =>
            "{" + string.Join(",", fields.Select((f, i) => (f, i)).Where(x => present[x.i]).Select(x => $"\"{x.f}\":{values[x.i].Json}")) + "}");

    private static readonly Gen<string> OfficeRow = Gen.OneOf(Row("id", "codice", "descrizione", "indirizzo", "comune", "citta",
        "dataPrimaDisponibilitaResidenti", "orarioDisponibilita"), Gen.Const("null"));

    private static readonly Gen<string> SlotRow = Gen.OneOf(Row("objectKey", "giorno", "ora", "totAppuntamenti", "totAppuntamentiPresi",
        "comune", "indrizzo"), Gen.Const("null"));

    private static readonly Gen<string> MunicipalityRow = Gen.OneOf(Row("id", "denominazione", "provincia", "provinciaQuestura"), Gen.Const("null"));

    [Fact]
    public void Field_parsers_never_throw()
    {
        SiteText.Sample(text =>
        {
            _ = AgendaParsing.TryParseTime(text, out _);
            _ = AgendaParsing.ParseFirstDate(text);
            _ = AgendaParsing.TryParseObjectKey(text, out _);
            _ = AgendaParsing.OfficeName(text, text);
            _ = AgendaParsing.OfficeCode(text, text);
            _ = AgendaParsing.OfficeCode(null, text);
        }, iter: Cases);
    }

    [Fact]
    public void A_parsed_time_and_object_key_are_well_formed()
    {
        Gen.Select(Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[1, 99999], Gen.Date[new DateTime(2000, 1, 1), new DateTime(2099, 12, 31)])
            .Sample((h, m, id, day) =>
            {
                var date = DateOnly.FromDateTime(day);
                var key = $"{id}||_||{date:dd/MM/yyyy}||_||{h}.{m:00}";
                Assert.True(AgendaParsing.TryParseObjectKey(key, out var parts));
                Assert.Equal((id, date, new TimeOnly(h, m)), parts!.Value);
            }, iter: Cases);
    }

    [Fact]
    public void Office_answers_of_any_shape_map_or_fail_as_json_never_crash()
    {
        Gen.Select(OfficeRow.Array[0, 6], Scalar, (rows, total) => $"{{\"pageInfo\":{{\"totalCount\":{total.Json}}},\"list\":[{string.Join(",", rows)}]}}")
            .Sample(body =>
            {
                if (TryDeserialize<OfficeListResponseDto>(body) is not { } dto) return;
                _ = dto.PageInfo?.TotalCount;
                foreach (var row in dto.List ?? []) _ = AgendaMapper.ToOffice(row, "TO");
            }, iter: Cases);
    }

    [Fact]
    public void Month_answers_of_any_shape_map_or_fail_as_json_never_crash()
    {
        SlotRow.Array[0, 6].Select(rows => $"{{\"elenco\":[{string.Join(",", rows)}]}}").Sample(body =>
        {
            if (TryDeserialize<MonthResponseDto>(body) is not { } dto) return;
            foreach (var row in dto.Elenco ?? [])
            {
                foreach (var mode in Enum.GetValues<PlacesMode>())
                {
                    var slot = AgendaMapper.ToSlot(row, 40, mode, Today);
                    if (slot is { } s) Assert.True(s.Places > 0 && s.Key.Date >= Today);
                }
            }
        }, iter: Cases);
    }

    [Fact]
    public void Municipality_answers_of_any_shape_map_or_fail_as_json_never_crash()
    {
        MunicipalityRow.Array[0, 6].Select(rows => $"{{\"elenco\":[{string.Join(",", rows)}]}}").Sample(body =>
        {
            if (TryDeserialize<MunicipalityResponseDto>(body) is not { } dto) return;
            foreach (var row in dto.Elenco ?? []) _ = AgendaMapper.ToMunicipality(row);
        }, iter: Cases);
    }

    [Fact]
    public void Html_readers_never_throw_and_find_the_csrf_meta_wherever_it_is()
    {
        var html = Gen.String[Gen.Char["<>=\"' /abcdefmnstiuploginpasswordform_csrfaction"], 0, 120];
        html.Sample(text =>
        {
            _ = AgendaResponseReader.FindCsrfMeta(text);
            _ = AgendaResponseReader.HasLoginForm(text);
            _ = AgendaResponseReader.LooksLikeHtml(null, text);
            _ = AgendaResponseReader.LooksLikeHtml(null, Encoding.UTF8.GetBytes(text));
        }, iter: Cases);

        Gen.Select(html.Where(t => !t.Contains("<meta", StringComparison.OrdinalIgnoreCase) && !t.Contains('>')), Gen.Guid)
            .Sample((noise, token) =>
            {
                var page = $"{noise}<meta name=\"_csrf\" content=\"{token}\"/>{noise.Replace("<", "", StringComparison.Ordinal)}";
                Assert.Equal(token.ToString(), AgendaResponseReader.FindCsrfMeta(page));
            }, iter: Cases);
    }

    [Fact]
    public void Pasted_credentials_are_cleaned_to_one_trimmed_line()
    {
        Gen.String[Gen.Char["ab=; \t\r\nCokie:X-CSRF-TOKEN"], 0, 60].Sample(raw =>
        {
            foreach (var header in new[] { "Cookie", "X-CSRF-TOKEN", "" })
            {
                var text = CredentialText.Normalize(raw, header);
                if (text is null) continue;
                Assert.DoesNotContain('\r', text);
                Assert.DoesNotContain('\n', text);
                Assert.Equal(text.Trim(), text);
                Assert.NotEmpty(text);
            }
        }, iter: Cases);
    }

    [Fact]
    public void Slot_keys_round_trip_and_garbage_is_refused_without_throwing()
    {
        Gen.Select(Gen.Int[1, int.MaxValue], Gen.Date[new DateTime(1, 1, 1), new DateTime(9999, 12, 31)], Gen.Int[0, 1439])
            .Sample((office, day, minute) =>
            {
                var key = new SlotKey(office, DateOnly.FromDateTime(day), new TimeOnly(minute / 60, minute % 60));
                Assert.True(SlotKey.TryParse(key.ToString(), out var parsed));
                Assert.Equal(key, parsed);
            }, iter: Cases);
        Gen.OneOf(Gen.String, Gen.String[Gen.Char["0123456789-:/ "], 0, 30]).Sample(text => { _ = SlotKey.TryParse(text, out _); }, iter: Cases);
    }

    // Cases the properties found, kept as plain tests.

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(253_402_300_800_000)]
    public void A_day_in_milliseconds_out_of_range_drops_the_row_instead_of_crashing(long giorno)
    {
        var row = new SlotDto(null, giorno, "9.00", 1, 0, null, null);
        Assert.Null(AgendaMapper.ToSlot(row, 40, PlacesMode.Total, Today));
        // With an object key the row still has a day.
        var keyed = row with { ObjectKey = "40||_||19/12/2026||_||9.00" };
        Assert.Equal(new DateOnly(2026, 12, 19), AgendaMapper.ToSlot(keyed, 40, PlacesMode.Total, Today)?.Key.Date);
    }

    private static T? TryDeserialize<T>(string body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, AgendaJson.Options);
        }
        catch (JsonException)
        {
            return null; // the reader turns this into a transient failure
        }
    }

    private readonly record struct JsonScalar(string Json);
}
