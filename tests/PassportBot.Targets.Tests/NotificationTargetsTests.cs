using Microsoft.Extensions.Options;
using PassportBot.Messaging;

namespace PassportBot.Targets.Tests;

public sealed class NotificationTargetsTests
{
    private static NotificationTargetsOptions Options() => new()
    {
        Webhooks =
        {
            ["all"] = new WebhookTargetOptions { Url = "https://example.org/hook", Secret = "x" },
            ["north"] = new WebhookTargetOptions { Url = "https://example.org/north", Secret = "y", Provinces = ["to", "MI,GE"] },
        },
        Ntfy = { ["rome"] = new NtfyTargetOptions { Url = "https://ntfy.sh/rome", Provinces = ["RM"] } },
    };

    [Fact]
    public void Recipients_are_the_targets_whose_provinces_match()
    {
        var targets = new NotificationTargets(Microsoft.Extensions.Options.Options.Create(Options()));

        Assert.Equal([new Recipient(RecipientKind.Webhook, "all"), new Recipient(RecipientKind.Webhook, "north")], targets.RecipientsFor("TO"));
        Assert.Equal([new Recipient(RecipientKind.Webhook, "all"), new Recipient(RecipientKind.Webhook, "north")], targets.RecipientsFor("GE"));
        Assert.Equal([new Recipient(RecipientKind.Webhook, "all"), new Recipient(RecipientKind.Ntfy, "rome")], targets.RecipientsFor("RM"));
        Assert.Equal([new Recipient(RecipientKind.Webhook, "all")], targets.RecipientsFor("NA"));
    }

    [Fact]
    public void Bad_configuration_is_every_error_at_once_and_never_echoes_urls_or_secrets()
    {
        var options = new NotificationTargetsOptions
        {
            Webhooks =
            {
                ["a"] = new WebhookTargetOptions { Url = "ftp://secret-host/x?token=abc", Secret = "" },
                ["b"] = new WebhookTargetOptions { Url = "https://example.org", Secret = "z", Provinces = ["TO", "XX"] },
            },
            Ntfy = { ["n"] = new NtfyTargetOptions { Url = "not a url", Language = "fr" } },
            MaxAttempts = 0,
        };

        var result = new NotificationTargetsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Contains("Notifications:Webhooks:a:Url must be an absolute http(s) URL.", errors);
        Assert.Contains("Notifications:Webhooks:a:Secret is required (it signs every request).", errors);
        Assert.Contains("Notifications:Webhooks:b:Provinces has unknown province codes: XX.", errors);
        Assert.Contains(errors, e => e.StartsWith("Notifications:Ntfy:n:Url", StringComparison.Ordinal));
        Assert.Contains("Notifications:Ntfy:n:Language must be 'it' or 'en'.", errors);
        Assert.Contains("Notifications:MaxAttempts must be between 1 and 50.", errors);
        Assert.DoesNotContain(errors, e => e.Contains("secret-host") || e.Contains("token=abc"));
        Assert.True(new NotificationTargetsOptionsValidator().Validate(null, Options()).Succeeded);
    }

    [Fact]
    public void Endpoints_print_without_secret_path_or_token()
    {
        var webhook = new WebhookEndpoint("h", new Uri("https://example.org/x/abc?key=k1"), "sec", new HashSet<string>());
        var ntfy = new NtfyEndpoint("n", new Uri("https://ntfy.sh/topic-secret"), "tk_1", new HashSet<string>(), PassportBot.Domain.Language.Italian);

        Assert.Equal("webhook 'h' (https://example.org)", webhook.ToString());
        Assert.Equal("ntfy 'n' (https://ntfy.sh)", ntfy.ToString());
    }
}
