using System.Text.Json;
using PassportBot.Agenda.Credentials;
using PassportBot.Agenda.Http;
using PassportBot.Domain;

namespace PassportBot.Agenda.Tests;

public sealed class AgendaParsingTests
{
    [Theory]
    [InlineData("TOPQ60 - Questura di Torino", "TOPQ60", "Questura di Torino")]
    [InlineData("PAPC14 - Commissariato Palermo Zisa - Borgo Nuovo", "PAPC14", "Commissariato Palermo Zisa - Borgo Nuovo")]
    [InlineData("  TOPQ60 - Questura di Torino  ", null, "Questura di Torino")]
    [InlineData("Questura di Torino", "TOPQ60", "Questura di Torino")]
    [InlineData(null, "TOPQ60", "TOPQ60")]
    public void Office_name_drops_the_code_prefix(string? description, string? code, string expected) =>
        Assert.Equal(expected, AgendaParsing.OfficeName(description, code));

    [Theory]
    [InlineData("TOPQ60", "whatever", "TOPQ60")]
    [InlineData(null, "TOPQ60 - Questura di Torino", "TOPQ60")]
    [InlineData("", "no code here", "")]
    public void Office_code_falls_back_to_the_description(string? code, string? description, string expected) =>
        Assert.Equal(expected, AgendaParsing.OfficeCode(code, description));

    [Theory]
    [InlineData("9.00", 9, 0)]
    [InlineData("09.00", 9, 0)]
    [InlineData("17.45", 17, 45)]
    [InlineData("0.15", 0, 15)]
    [InlineData(" 8.30 ", 8, 30)]
    [InlineData("17:45", 17, 45)]
    public void Times_in_H_MM_and_HH_MM_parse(string text, int hour, int minute)
    {
        Assert.True(AgendaParsing.TryParseTime(text, out var time));
        Assert.Equal(new TimeOnly(hour, minute), time);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("24.00")]
    [InlineData("9.60")]
    [InlineData("9.5")]
    [InlineData("9.000")]
    [InlineData("nove")]
    [InlineData("-1.00")]
    [InlineData(".30")]
    public void Bad_times_are_rejected(string? text) => Assert.False(AgendaParsing.TryParseTime(text, out _));

    [Theory]
    [InlineData("2023-12-19T00:00:00Z", "2023-12-19")]
    [InlineData("2023-12-18T23:00:00Z", "2023-12-19")] // Rome midnight in winter, written in UTC
    [InlineData("2024-06-30T22:00:00Z", "2024-07-01")] // Rome midnight in summer (UTC+2)
    [InlineData("2027-03-28T00:00:00.000+0000", "2027-03-28")]
    [InlineData("2023-12-19T00:00:00", "2023-12-19")]
    [InlineData("2023-12-19", "2023-12-19")]
    public void First_dates_become_Rome_days(string text, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), AgendaParsing.ParseFirstDate(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("domani")]
    public void Missing_or_unreadable_first_dates_are_null(string? text) => Assert.Null(AgendaParsing.ParseFirstDate(text));

    [Fact]
    public void Month_reference_is_the_first_of_the_month() =>
        Assert.Equal("2027-03-01T00:00:00Z", AgendaParsing.MonthReference(new DateOnly(2027, 3, 17)));

    [Fact]
    public void Object_keys_parse()
    {
        Assert.True(AgendaParsing.TryParseObjectKey("40||_||19/12/2023||_||17.00", out var parts));
        Assert.Equal((40, new DateOnly(2023, 12, 19), new TimeOnly(17, 0)), parts!.Value);
        Assert.False(AgendaParsing.TryParseObjectKey("40|19/12/2023|17.00", out _));
        Assert.False(AgendaParsing.TryParseObjectKey("40||_||31/02/2023||_||17.00", out _));
    }

    [Theory]
    [InlineData(PlacesMode.Total, 3, 1, 3)]
    [InlineData(PlacesMode.TotalMinusTaken, 3, 1, 2)]
    [InlineData(PlacesMode.TotalMinusTaken, 1, 2, -1)]
    [InlineData(PlacesMode.Total, null, 1, 0)]
    [InlineData(PlacesMode.TotalMinusTaken, 2, null, 2)]
    public void Free_places_follow_the_mode(PlacesMode mode, int? total, int? taken, int expected) =>
        Assert.Equal(expected, AgendaParsing.FreePlaces(total, taken, mode));

    [Theory]
    [InlineData("2023-12-19", 1702940400000L)] // the spec's example
    [InlineData("2027-03-28", null)] // spring forward: the day has 23 hours
    [InlineData("2027-03-29", null)]
    [InlineData("2027-10-31", null)] // fall back: the day has 25 hours
    [InlineData("2027-11-01", null)]
    public void Epoch_ms_days_are_Rome_midnights(string day, long? knownMs)
    {
        var date = DateOnly.Parse(day);
        var ms = knownMs ?? RomeTime.EpochMillisecondsOf(date);
        var row = JsonSerializer.Deserialize<SlotDto>($$"""{"giorno":{{ms}},"ora":"9.15","totAppuntamenti":1,"indrizzo":"Via Roma, 1","unknown":[1,2]}""", AgendaJson.Options);
        var slot = AgendaMapper.ToSlot(row, 40, PlacesMode.Total, new DateOnly(2023, 1, 1));
        Assert.NotNull(slot);
        Assert.Equal(new SlotKey(40, date, new TimeOnly(9, 15)), slot.Key);
        Assert.Equal("Via Roma, 1", row!.Indrizzo);
    }

    [Fact]
    public void Slot_rows_without_giorno_use_the_object_key_and_bad_rows_are_dropped()
    {
        var today = new DateOnly(2023, 12, 1);
        var fromKey = JsonSerializer.Deserialize<SlotDto>("""{"objectKey":"40||_||19/12/2023||_||17.00","totAppuntamenti":"2"}""", AgendaJson.Options);
        Assert.Equal(new SlotObservation(new SlotKey(40, new DateOnly(2023, 12, 19), new TimeOnly(17, 0)), 2),
            AgendaMapper.ToSlot(fromKey, 40, PlacesMode.Total, today));

        Assert.Null(AgendaMapper.ToSlot(JsonSerializer.Deserialize<SlotDto>("""{"ora":"9.00","totAppuntamenti":1}""", AgendaJson.Options), 40, PlacesMode.Total, today));
        Assert.Null(AgendaMapper.ToSlot(JsonSerializer.Deserialize<SlotDto>("""{"objectKey":"40||_||19/12/2023||_||17.00","totAppuntamenti":0}""", AgendaJson.Options), 40, PlacesMode.Total, today));
        Assert.Null(AgendaMapper.ToSlot(JsonSerializer.Deserialize<SlotDto>("""{"objectKey":"40||_||30/11/2023||_||17.00","totAppuntamenti":1}""", AgendaJson.Options), 40, PlacesMode.Total, today));
        Assert.Null(AgendaMapper.ToSlot(null, 40, PlacesMode.Total, today));
    }

    [Fact]
    public void Office_rows_map_with_tolerance()
    {
        var row = JsonSerializer.Deserialize<OfficeDto>("""
            {"objectKey":"40","id":40,"codice":"TOPQ60","descrizione":"TOPQ60 - Questura di Torino",
             "indirizzo":"Piazza Cesare Augusto, 5","cap":"10122","comune":"TORINO","citta":"TORINO","provincia":"TORINO",
             "dataPrimaDisponibilitaResidenti":"2023-12-19T00:00:00Z","orarioDisponibilita":"09.00","brandNewField":{"x":1}}
            """, AgendaJson.Options);
        var office = AgendaMapper.ToOffice(row, "TO");
        Assert.Equal(new Office(40, "TOPQ60", "Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0)), office!.Office);
        Assert.Equal(new DateOnly(2023, 12, 19), office.FirstAvailableDate);

        var sparse = AgendaMapper.ToOffice(JsonSerializer.Deserialize<OfficeDto>("""{"id":"41","descrizione":"TOPC01 - Commissariato","dataPrimaDisponibilitaResidenti":null}""", AgendaJson.Options), "TO");
        Assert.Equal(new Office(41, "TOPC01", "Commissariato", "", "", "TO", TimeOnly.MinValue), sparse!.Office);
        Assert.Null(sparse.FirstAvailableDate);

        Assert.Null(AgendaMapper.ToOffice(JsonSerializer.Deserialize<OfficeDto>("""{"codice":"X"}""", AgendaJson.Options), "TO"));
    }

    [Fact]
    public void Municipality_ids_may_be_numbers_or_strings()
    {
        var rows = JsonSerializer.Deserialize<MunicipalityResponseDto>("""
            {"elenco":[{"id":"6324","denominazione":"VIGODARZERE","provincia":"PD","provinciaQuestura":"PD"},
                       {"id":7001,"denominazione":"CARBONIA","provincia":"su"},
                       {"id":null,"denominazione":null}]}
            """, AgendaJson.Options)!;
        var mapped = rows.Elenco!.Select(AgendaMapper.ToMunicipality).ToArray();
        Assert.Equal(new Municipality("6324", "VIGODARZERE", "PD", "PD"), mapped[0]);
        Assert.Equal(new Municipality("7001", "CARBONIA", "SU", "SU"), mapped[1]);
        Assert.Null(mapped[2]);
    }

    [Theory]
    [InlineData("JSESSIONID=abc; lb=1", "JSESSIONID=abc; lb=1")]
    [InlineData("Cookie: JSESSIONID=abc\n", "JSESSIONID=abc")]
    [InlineData("  cookie:JSESSIONID=abc  \r\n\r\n", "JSESSIONID=abc")]
    [InlineData("JSESSIONID=ab\ncd", "JSESSIONID=abcd")]
    [InlineData(" \n\t ", null)]
    [InlineData("Cookie:", null)]
    public void Cookie_text_is_cleaned(string raw, string? expected) => Assert.Equal(expected, CredentialText.Normalize(raw, "Cookie"));

    [Fact]
    public void Csrf_text_tolerates_the_header_name() =>
        Assert.Equal("0b7f3c2e-1111-2222-3333-444455556666", CredentialText.Normalize("X-CSRF-TOKEN: 0b7f3c2e-1111-2222-3333-444455556666\n", "X-CSRF-TOKEN"));

    [Theory]
    [InlineData("""<meta name="_csrf_header" content="X-CSRF-TOKEN"/><meta name="_csrf" content="abc-123"/>""", "abc-123")]
    [InlineData("""<META content='abc-123' name='_csrf'>""", "abc-123")]
    [InlineData("""<meta name="_csrf_header" content="X-CSRF-TOKEN"/>""", null)]
    [InlineData("""<html><body>no meta</body></html>""", null)]
    public void Csrf_meta_tag_is_found(string html, string? expected) => Assert.Equal(expected, AgendaResponseReader.FindCsrfMeta(html));

    [Fact]
    public void Credentials_print_only_their_fingerprint()
    {
        var credentials = new AgendaCredentials("JSESSIONID=secret-cookie", "secret-csrf");
        Assert.DoesNotContain("secret", credentials.ToString());
        Assert.Contains(credentials.Fingerprint, credentials.ToString());
    }
}
