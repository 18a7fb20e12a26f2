namespace PassportBot.Agenda.Tests;

public sealed class AgendaOptionsValidatorTests
{
    private static readonly AgendaOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.True(Validator.Validate(null, new AgendaOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(AgendaOptions.BaseUrl))]
    [InlineData(nameof(AgendaOptions.PollInterval))]
    [InlineData(nameof(AgendaOptions.MaxConcurrency))]
    [InlineData(nameof(AgendaOptions.MonthsAhead))]
    [InlineData(nameof(AgendaOptions.RequestTimeout))]
    [InlineData(nameof(AgendaOptions.PageSize))]
    [InlineData(nameof(AgendaOptions.Cookie))]
    public void Bad_settings_are_named(string setting)
    {
        var o = new AgendaOptions();
        switch (setting)
        {
            case nameof(AgendaOptions.BaseUrl): o.BaseUrl = "ftp://example.org"; break;
            case nameof(AgendaOptions.PollInterval): o.PollInterval = TimeSpan.FromMilliseconds(500); break;
            case nameof(AgendaOptions.MaxConcurrency): o.MaxConcurrency = 0; break;
            case nameof(AgendaOptions.MonthsAhead): o.MonthsAhead = 0; break;
            case nameof(AgendaOptions.RequestTimeout): o.RequestTimeout = TimeSpan.Zero; break;
            case nameof(AgendaOptions.PageSize): o.PageSize = 0; break;
            case nameof(AgendaOptions.Cookie): o.Cookie = "JSESSIONID=only-half"; break;
        }
        var result = Validator.Validate(null, o);
        Assert.True(result.Failed);
        Assert.Contains("Agenda:" + setting, result.FailureMessage);
        Assert.DoesNotContain("only-half", result.FailureMessage);
    }

    [Fact]
    public void One_second_poll_interval_is_allowed() =>
        Assert.True(Validator.Validate(null, new AgendaOptions { PollInterval = TimeSpan.FromSeconds(1) }).Succeeded);
}
