using PassportBot.Domain.Filters;

namespace PassportBot.Domain.Tests.Filters;

public class FilterInputTests
{
    private static readonly DateOnly Today = new(2027, 1, 10);

    [Theory]
    [InlineData("2027-03-31")]
    [InlineData("31/03/2027")]
    [InlineData("31/3/2027")]
    [InlineData(" 31.03.2027 ")]
    [InlineData("31-03-2027")]
    public void Before_takes_iso_and_italian_dates(string text)
    {
        var r = FilterInput.ParseBefore(text, Today);
        Assert.True(r.IsValid);
        Assert.Equal(new DateOnly(2027, 3, 31), r.Value);
    }

    [Theory]
    [InlineData("31/02/2027", FilterInputErrorKind.NotADate)]
    [InlineData("domani", FilterInputErrorKind.NotADate)]
    [InlineData("03/31/2027", FilterInputErrorKind.NotADate)]
    [InlineData("2026-12-31", FilterInputErrorKind.DateInPast)]
    [InlineData("", FilterInputErrorKind.Missing)]
    [InlineData(null, FilterInputErrorKind.Missing)]
    public void Before_refuses_what_is_not_a_future_date(string? text, FilterInputErrorKind kind)
    {
        var r = FilterInput.ParseBefore(text, Today);
        Assert.False(r.IsValid);
        Assert.Equal(kind, r.Error.Kind);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    [InlineData("no")]
    public void Off_clears(string text)
    {
        Assert.Null(FilterInput.ParseBefore(text, Today).Value);
        Assert.True(FilterInput.ParseBefore(text, Today).IsValid);
        Assert.Null(FilterInput.ParseWithin(text).Value);
        Assert.Null(FilterInput.ParseMinPlaces(text).Value);
        Assert.Null(FilterInput.ParseQuiet(text).Value);
        Assert.True(FilterInput.ParseQuiet(text).IsValid);
        Assert.False(FilterInput.ParseOnOff(text).Value);
        Assert.Null(FilterInput.ParseDays(text).Value);
    }

    [Theory]
    [InlineData("30", 30)]
    [InlineData("1", 1)]
    [InlineData("366", 366)]
    public void Within_takes_a_day_count(string text, int days) => Assert.Equal(days, FilterInput.ParseWithin(text).Value);

    [Theory]
    [InlineData("0", FilterInputErrorKind.OutOfRange)]
    [InlineData("-3", FilterInputErrorKind.OutOfRange)]
    [InlineData("367", FilterInputErrorKind.OutOfRange)]
    [InlineData("99999999999999999999", FilterInputErrorKind.NotANumber)]
    [InlineData("trenta", FilterInputErrorKind.NotANumber)]
    [InlineData("3.5", FilterInputErrorKind.NotANumber)]
    public void Within_refuses_bad_counts(string text, FilterInputErrorKind kind) =>
        Assert.Equal(kind, FilterInput.ParseWithin(text).Error?.Kind);

    [Fact]
    public void Min_places_is_bounded()
    {
        Assert.Equal(2, FilterInput.ParseMinPlaces("2").Value);
        Assert.Equal(FilterInputErrorKind.OutOfRange, FilterInput.ParseMinPlaces("21").Error?.Kind);
        Assert.Equal(FilterInputErrorKind.NotANumber, FilterInput.ParseMinPlaces("due").Error?.Kind);
    }

    [Theory]
    [InlineData("lun mar ven")]
    [InlineData("mon tue fri")]
    [InlineData("Lunedì, Martedì, venerdi")]
    [InlineData("MON,tues;fri.")]
    public void Days_take_italian_and_english_names(string text)
    {
        var r = FilterInput.ParseDays(text);
        Assert.True(r.IsValid);
        Assert.True(r.Value!.SetEquals([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Friday]));
    }

    [Fact]
    public void Day_ranges_run_monday_first_and_wrap()
    {
        Assert.True(FilterInput.ParseDays("lun-ven").Value!.SetEquals(
            [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]));
        Assert.True(FilterInput.ParseDays("sat-mon").Value!.SetEquals([DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday]));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("tutti")]
    [InlineData("lun mar mer gio ven sab dom")]
    public void All_days_is_no_restriction(string text)
    {
        var r = FilterInput.ParseDays(text);
        Assert.True(r.IsValid);
        Assert.Null(r.Value);
    }

    [Fact]
    public void An_unknown_day_is_named_in_the_error()
    {
        var r = FilterInput.ParseDays("lun funday ven");
        Assert.Equal(new FilterInputError(FilterInputErrorKind.UnknownDay, "funday"), r.Error);
    }

    [Theory]
    [InlineData("23-07", 23, 7)]
    [InlineData("23:00-07:00", 23, 7)]
    [InlineData("22 - 24", 22, 0)]
    [InlineData("0-6", 0, 6)]
    public void Quiet_takes_an_hour_range(string text, int from, int to) =>
        Assert.Equal(new QuietHours(from, to), FilterInput.ParseQuiet(text).Value);

    [Theory]
    [InlineData("23")]
    [InlineData("7-7")]
    [InlineData("25-07")]
    [InlineData("23:30-07")]
    [InlineData("sera")]
    [InlineData("")]
    public void Quiet_refuses_what_is_not_an_hour_range(string text) =>
        Assert.False(FilterInput.ParseQuiet(text).IsValid);

    [Theory]
    [InlineData("on", true)]
    [InlineData("sì", true)]
    [InlineData("si", true)]
    [InlineData("yes", true)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    public void Gone_takes_on_and_off(string text, bool on)
    {
        var r = FilterInput.ParseOnOff(text);
        Assert.True(r.IsValid);
        Assert.Equal(on, r.Value);
    }

    [Fact]
    public void Gone_refuses_anything_else_and_errors_are_bounded()
    {
        var r = FilterInput.ParseOnOff(new string('x', 500));
        Assert.Equal(FilterInputErrorKind.NotOnOff, r.Error?.Kind);
        Assert.Equal(40, r.Error!.Input.Length);
    }
}
