using System.Text;
using PassportBot.Domain;
using PassportBot.Telegram.Bot;

namespace PassportBot.Telegram.Tests;

public sealed class CallbackActionTests
{
    [Fact]
    public void Every_button_the_bot_can_make_fits_64_bytes_and_parses_back()
    {
        var actions = ProvinceCatalog.All
            .SelectMany(p => new[] { CallbackAction.PickProvince(p), CallbackAction.Subscribe(p), CallbackAction.Unsubscribe(p.QuesturaCode) })
            .Concat(ProvinceCatalog.Regions.Select((_, i) => CallbackAction.Region(i)))
            .Concat([CallbackAction.Menu, CallbackAction.Regions, CallbackAction.UnsubscribeMenu, CallbackAction.RemoveAllAsk,
                CallbackAction.RemoveAllConfirm, CallbackAction.SwitchLanguage(Language.English), CallbackAction.SwitchLanguage(Language.Italian)])
            .ToList();

        Assert.Equal(107 * 3 + 20 + 7, actions.Count);
        foreach (var action in actions)
        {
            var data = action.Encode();
            Assert.True(Encoding.UTF8.GetByteCount(data) <= CallbackAction.MaxBytes, data);
            Assert.True(CallbackAction.TryParse(data, out var parsed), data);
            Assert.Equal(action, parsed);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s:")]
    [InlineData("s: TO")]
    [InlineData("r:-1")]
    [InlineData("r:20")]
    [InlineData("r:+1")]
    [InlineData("m:1")]
    [InlineData("A:TO")]
    [InlineData("x:XX")]
    [InlineData("l:EN")]
    public void Anything_else_is_rejected(string? data) => Assert.False(CallbackAction.TryParse(data, out _));

    [Theory]
    [InlineData("/start", "start", "")]
    [InlineData("  /Subscribe   to mi ", "subscribe", "to mi")]
    [InlineData("/subscribe@passportbot_test_bot TO", "subscribe", "TO")]
    [InlineData("/LANG\nen", "lang", "en")]
    public void Slash_commands_parse_case_insensitively(string text, string name, string arguments)
    {
        Assert.True(SlashCommand.TryParse(text, out var command));
        Assert.Equal(name, command.Name);
        Assert.Equal(arguments, command.Arguments);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("/")]
    [InlineData("/@bot")]
    [InlineData("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Other_text_is_not_a_command(string text) => Assert.False(SlashCommand.TryParse(text, out _));
}
