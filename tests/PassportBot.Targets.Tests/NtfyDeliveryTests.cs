using System.Text;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Testing;

namespace PassportBot.Targets.Tests;

/// <summary>ntfy's HTTP publish API (docs.ntfy.sh/publish): POST to the topic URL, the message as the plain-text
/// body, Title / Tags / Priority / Click headers, a Bearer token for protected topics.</summary>
public sealed class NtfyDeliveryTests : IAsyncLifetime
{
    private const string Token = "tk_TEST-ONLY-not-a-token";
    private FakeHttpReceiver _receiver = null!;
    private TargetsTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await FakeHttpReceiver.StartAsync();
        _host = await TargetsTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:Ntfy:phone:Url"] = _receiver.BaseUrl + "/passports-torino",
            ["Notifications:Ntfy:phone:Token"] = Token,
            ["Notifications:Ntfy:public:Url"] = _receiver.BaseUrl + "/passports-en",
            ["Notifications:Ntfy:public:Language"] = "en",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_new_slot_is_one_high_priority_post_with_title_tags_click_and_bearer_token()
    {
        await _host.Bus.PublishAsync(Queues.Targets, WebhookDeliveryTests.Notification(new Recipient(RecipientKind.Ntfy, "phone")), CancellationToken.None);

        var request = (await _receiver.WaitForAsync(r => r.Count == 1, TargetsTestHost.Timeout))[0];

        Assert.Equal("POST", request.Method);
        Assert.Equal("/passports-torino", request.Path);
        Assert.StartsWith("text/plain", request.Header("Content-Type"));
        Assert.Equal("Nuova disponibilità: TOPQ60 - Questura di Torino", DecodeRfc2047(request.Header("Title")));
        Assert.Equal("high", request.Header("Priority"));
        Assert.Equal("passport_control,calendar", request.Header("Tags"));
        Assert.Equal("https://passaportonline.poliziadistato.it/", request.Header("Click"));
        Assert.Equal("Bearer " + Token, request.Header("Authorization"));
        Assert.Equal("04/03/2027 ore 09:30 Posti disponibili: 2\nIndirizzo: Corso Vinzaglio 10, Torino", request.Text.ReplaceLineEndings("\n"));
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains(Token));
    }

    [Fact]
    public async Task A_gone_slot_has_default_priority_and_an_english_topic_gets_english_and_no_token()
    {
        await _host.Bus.PublishAsync(Queues.Targets, WebhookDeliveryTests.Notification(new Recipient(RecipientKind.Ntfy, "public"), OutgoingKind.Gone), CancellationToken.None);

        var request = (await _receiver.WaitForAsync(r => r.Count == 1, TargetsTestHost.Timeout))[0];

        Assert.Equal("/passports-en", request.Path);
        Assert.Equal("No longer available: TOPQ60 - Questura di Torino", request.Header("Title"));
        Assert.Equal("default", request.Header("Priority"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("04/03/2027 at 09:30\nAddress: Corso Vinzaglio 10, Torino", request.Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Non_ascii_titles_are_rfc_2047_encoded_and_ascii_ones_are_left_alone()
    {
        Assert.Equal("Slot: TOPQ60", NtfySender.HeaderText("Slot: TOPQ60"));
        var encoded = NtfySender.HeaderText("Questura di Forlì");
        Assert.Matches("^=\\?UTF-8\\?B\\?[A-Za-z0-9+/=]+\\?=$", encoded);
        Assert.Equal("Questura di Forlì", DecodeRfc2047(encoded));
    }

    private static string? DecodeRfc2047(string? header) =>
        header is not null && header.StartsWith("=?UTF-8?B?", StringComparison.Ordinal) && header.EndsWith("?=", StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(header["=?UTF-8?B?".Length..^2]))
            : header;
}
