using CsCheck;
using PassportBot.Domain;
using PassportBot.Telegram.Bot;

namespace PassportBot.Telegram.Tests;

/// <summary>What users type and what their clients send back: parsed or refused, never a crash.</summary>
public sealed class BotInputPropertyTests
{
    private const int Cases = 5_000;

    private static readonly Gen<string> Typed = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char["/@ \t\r\nabcsubribetoMIRM,;0123456789"], 0, 60]);

    [Fact]
    public void Slash_commands_parse_or_not_never_throw_and_names_are_clean()
    {
        Typed.Sample(text =>
        {
            if (!SlashCommand.TryParse(text, out var command)) return;
            Assert.InRange(command.Name.Length, 1, 32);
            Assert.DoesNotContain(command.Name, c => char.IsWhiteSpace(c) || c == '@');
            Assert.Equal(command.Arguments.Trim(), command.Arguments);
            Assert.All(command.Codes(), code => Assert.DoesNotContain(code, c => c is ' ' or ',' or ';' or '\n'));
        }, iter: Cases);
    }

    [Fact]
    public void Callback_data_parses_only_to_buttons_we_make_and_round_trips()
    {
        var prefixes = Gen.OneOf("m", "g", "u", "a", "A", "r", "p", "s", "x", "l", "f", "fc", "e", "E", "fs", "fv", "o", "oa", "ot", "zz");
        var data = Gen.OneOf(Gen.String, Gen.Select(prefixes, Gen.String[Gen.Char["0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:,-+ "], 0, 12],
            (p, a) => a.Length == 0 ? p : p + ":" + a));
        data.Sample(text =>
        {
            if (!CallbackAction.TryParse(text, out var action)) return;
            // Everything accepted is exactly what we would have encoded, and fits Telegram's 64 bytes.
            Assert.Equal(text, action.Encode());
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(action.Encode()) <= CallbackAction.MaxBytes);
            Assert.True(CallbackAction.TryParse(action.Encode(), out var again));
            Assert.Equal(action, again);
        }, iter: Cases);
    }

    [Fact]
    public void Every_province_button_round_trips()
    {
        foreach (var province in ProvinceCatalog.All)
        {
            foreach (var action in new[] { CallbackAction.Subscribe(province), CallbackAction.Unsubscribe(province.QuesturaCode) })
            {
                Assert.True(CallbackAction.TryParse(action.Encode(), out var parsed));
                Assert.Equal(action, parsed);
            }
        }
    }

    [Fact]
    public void Pasted_secrets_are_cleaned_like_token_files_and_never_hold_control_characters()
    {
        Gen.OneOf(Gen.String, Gen.String[Gen.Char["ab=; \t\r\n\u0000\u001bCokie:"], 0, 80]).Sample(raw =>
        {
            var value = SecretValue.Clean(raw, "Cookie");
            if (value.Problem is not null) { Assert.Null(value.Text); return; }
            Assert.NotNull(value.Text);
            Assert.DoesNotContain(value.Text!, char.IsControl);
            Assert.InRange(value.Text!.Length, 1, SecretValue.MaxLength);
            Assert.Equal(PassportBot.Agenda.Credentials.CredentialText.Normalize(raw, "Cookie"), value.Text);
        }, iter: Cases);
    }
}
