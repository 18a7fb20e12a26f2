using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PassportBot.Telegram.Bot;
using PassportBot.Telegram.Sending;

namespace PassportBot.Telegram.Tests;

public sealed class TelegramOptionsTests
{
    private const string Token = "1:TEST-ONLY-not-a-token-secret-part";

    private static TelegramOptions Resolve(Dictionary<string, string?> values, Action<IServiceCollection, IConfiguration>? register = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        (register ?? ((s, c) => s.AddTelegramNotifier(c)))(services, config);
        return services.BuildServiceProvider().GetRequiredService<IOptions<TelegramOptions>>().Value;
    }

    [Fact]
    public void The_token_can_come_from_a_file_cleaned_like_the_agenda_token_files()
    {
        var file = Path.Combine(Path.GetTempPath(), "passportbot-token-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "\n " + Token + " \r\n");
        try
        {
            var o = Resolve(new() { ["Telegram:TokenFile"] = file });
            Assert.Equal(Token, o.Token);
            Assert.True(o.HasToken);
            Assert.DoesNotContain(Token, o.ToString(), StringComparison.Ordinal);

            // A token given directly wins over the file.
            Assert.Equal("1:direct", Resolve(new() { ["Telegram:TokenFile"] = file, ["Telegram:Token"] = "1:direct" }).Token);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_token_file_that_cannot_be_read_is_one_line_naming_it()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Telegram:TokenFile"] = "/nonexistent/bot_token" }));
        Assert.Contains("Telegram:TokenFile", Assert.Single(ex.Failures), StringComparison.Ordinal);
        Assert.Contains("/nonexistent/bot_token", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_follow_telegram_published_limits()
    {
        var o = Resolve([]);

        Assert.Equal("https://api.telegram.org", o.ApiBaseUrl);
        Assert.Equal(25, o.MaxMessagesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(1), o.PerChatInterval);
        Assert.Equal(20, o.GroupMessagesPerMinute);
        Assert.False(o.PaidBroadcast);
        Assert.Equal(1000, o.PaidBroadcastMessagesPerSecond);
        Assert.False(o.HasToken);
    }

    [Fact]
    public void Binds_the_configuration_keys()
    {
        var o = Resolve(new()
        {
            ["Telegram:Token"] = Token,
            ["Telegram:ApiBaseUrl"] = "http://127.0.0.1:8081",
            ["Telegram:AdminChatIds:0"] = "11",
            ["Telegram:AdminChatIds:1"] = "22",
            ["Telegram:MaxMessagesPerSecond"] = "20",
            ["Telegram:PollingTimeout"] = "00:00:10",
        });

        Assert.Equal([11L, 22L], o.AdminChatIds);
        Assert.True(o.IsAdmin(22));
        Assert.False(o.IsAdmin(33));
        Assert.Equal(20, o.MaxMessagesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), o.PollingTimeout);
    }

    [Theory]
    [InlineData("Telegram:MaxMessagesPerSecond", "31", "PaidBroadcast")]
    [InlineData("Telegram:MaxMessagesPerSecond", "0", "MaxMessagesPerSecond")]
    [InlineData("Telegram:ApiBaseUrl", "not a url", "ApiBaseUrl")]
    [InlineData("Telegram:AdminChatIds:0", "-100123", "AdminChatIds")]
    [InlineData("Telegram:GroupMessagesPerMinute", "0", "GroupMessagesPerMinute")]
    [InlineData("Telegram:PollingTimeout", "00:05:00", "PollingTimeout")]
    [InlineData("Telegram:Token", "not-a-token", "malformed")]
    public void Invalid_settings_fail_with_a_clear_message(string key, string value, string expected)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Paid_broadcast_allows_up_to_its_own_ceiling()
    {
        var o = Resolve(new() { ["Telegram:PaidBroadcast"] = "true", ["Telegram:MaxMessagesPerSecond"] = "800" });
        Assert.Equal(800, o.EffectiveMessagesPerSecond);

        Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["Telegram:PaidBroadcast"] = "true", ["Telegram:MaxMessagesPerSecond"] = "1001" }));
    }

    [Fact]
    public void The_token_never_shows_in_text()
    {
        var o = Resolve(new() { ["Telegram:Token"] = Token });
        Assert.DoesNotContain("secret-part", o.ToString());

        var e = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Telegram:Token"] = "abc:secret part with blanks" }));
        Assert.DoesNotContain("part with blanks", e.Message);
    }

    [Fact]
    public void Without_a_token_messages_go_to_the_console()
    {
        var services = new ServiceCollection().AddLogging().AddTelegramNotifier(new ConfigurationBuilder().Build());

        Assert.IsType<ConsoleNotifier>(services.BuildServiceProvider().GetRequiredService<INotifier>());
    }

    [Fact]
    public void With_a_token_messages_go_to_telegram()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telegram:Token"] = Token }).Build();
        var services = new ServiceCollection().AddLogging().AddTelegramNotifier(config);

        Assert.IsType<TelegramNotifier>(services.BuildServiceProvider().GetRequiredService<INotifier>());
    }

    [Fact]
    public void The_bot_without_a_token_is_only_a_warning()
    {
        var services = new ServiceCollection().AddLogging().AddTelegramBot(new ConfigurationBuilder().Build());

        var hosted = services.BuildServiceProvider().GetServices<IHostedService>().ToList();
        Assert.Single(hosted);
        Assert.IsType<BotDisabledNotice>(hosted[0]);
    }
}
