using System.CommandLine;
using PassportBot.Domain;
using PassportBot.Domain.Texts;

namespace PassportBot.Watch.Cli;

/// <summary><c>passportbot town &lt;name&gt;</c>: which province's Questura serves a municipality (endpoint C).</summary>
public static class TownCommand
{
    public static Command Create(ConfigureCommandConfiguration configure, TextWriter? output = null, TextWriter? error = null, Language language = Language.English)
    {
        var t = TextCatalog.For(language).Watch;
        var name = new Argument<string>("name") { Description = t.TownName };
        var demo = new Option<bool>("--demo") { Description = t.AskSimulator };
        var cookieFile = new Option<string?>("--cookie-file") { Description = t.OptionCookieFileShort };
        var csrfFile = new Option<string?>("--csrf-file") { Description = t.OptionCsrfFileShort };
        var command = new Command("town", t.TownDescription)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Arguments.Add(name);
        command.Options.Add(demo);
        command.Options.Add(cookieFile);
        command.Options.Add(csrfFile);
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var stdout = output ?? Console.Out;
            var stderr = error ?? Console.Error;
            var wanted = parse.GetValue(name)?.Trim() ?? "";
            if (wanted.Length < 2)
            {
                await stderr.WriteLineAsync(t.ErrorTownTooShort).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            return await AgendaCommand.RunAsync(configure, parse.UnmatchedTokens, OfficesCommand.CredentialFiles(parse.GetValue(cookieFile), parse.GetValue(csrfFile)),
                parse.GetValue(demo), stdout, stderr, t, async (client, token) =>
                {
                    var found = await client.FindMunicipalityAsync(wanted, token).ConfigureAwait(false);
                    if (found.Count == 0)
                    {
                        await stderr.WriteLineAsync(WatchCommands.Format(t.NoTown, wanted)).ConfigureAwait(false);
                        return ExitCodes.Failure;
                    }
                    foreach (var town in found)
                    {
                        var questura = ProvinceCatalog.ForQuestura(town.QuesturaProvince)?.Name ?? town.QuesturaProvince;
                        var own = ProvinceCatalog.TryGet(town.Province, out var p) ? $"{p.Name} ({p.Code})" : town.Province;
                        await stdout.WriteLineAsync(
                            $"{town.Name}\tprovince {own}\tserved by the Questura di {questura}: --province {town.QuesturaProvince}").ConfigureAwait(false);
                    }
                    return ExitCodes.Ok;
                }, ct).ConfigureAwait(false);
        });
        return command;
    }
}
