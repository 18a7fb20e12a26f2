using Microsoft.Extensions.Configuration;

namespace PassportBot.Cli.Tests;

/// <summary><c>Notifications:Webhooks:&lt;name&gt;</c> and <c>Notifications:Ntfy:&lt;name&gt;</c> are named entries:
/// any name is fine, a mistyped setting inside one is not.</summary>
public sealed class TargetsConfigurationCheckTests
{
    private static IReadOnlyList<string> Check(Dictionary<string, string?> values) =>
        ConfigurationCheck.Check(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void Named_targets_with_known_settings_pass()
    {
        Assert.Empty(Check(new()
        {
            ["Notifications:Webhooks:crm:Url"] = "https://example.org/hook",
            ["Notifications:Webhooks:crm:Secret"] = "s",
            ["Notifications:Webhooks:crm:Provinces:0"] = "TO",
            ["Notifications:Ntfy:0:Url"] = "https://ntfy.sh/topic",
            ["Notifications:Ntfy:0:Token"] = "tk_x",
            ["Notifications:Timeout"] = "10s",
        }));
    }

    [Fact]
    public void A_mistyped_setting_of_a_target_is_named()
    {
        var errors = Check(new()
        {
            ["Notifications:Webhooks:crm:Url"] = "https://example.org/hook",
            ["Notifications:Webhooks:crm:Secrt"] = "s",
            ["Notifications:MaxAttempts"] = "many",
        });

        Assert.Contains(errors, e => e.StartsWith("Unknown setting Notifications:Webhooks:crm:Secrt;", StringComparison.Ordinal));
        Assert.Contains("Notifications:MaxAttempts: 'many' is not a whole number.", errors);
        Assert.Equal(2, errors.Count);
    }
}
