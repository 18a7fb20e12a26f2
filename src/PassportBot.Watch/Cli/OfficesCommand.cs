using System.CommandLine;
using System.Globalization;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Domain.Texts;

namespace PassportBot.Watch.Cli;

/// <summary><c>passportbot offices --province TO</c>: the offices of a province with their first free date
/// (endpoint A), to pick <c>--office</c> values.</summary>
public static class OfficesCommand
{
    public static Command Create(ConfigureCommandConfiguration configure, TextWriter? output = null, TextWriter? error = null, Language language = Language.English)
    {
        var t = TextCatalog.For(language).Watch;
        var province = new Option<string>("--province", "-p")
        {
            Description = t.OfficesProvince,
            Required = true,
            Validators = { WatchCommands.ValidateProvinces(t) },
        };
        var demo = new Option<bool>("--demo") { Description = t.AskSimulator };
        var cookieFile = new Option<string?>("--cookie-file") { Description = t.OptionCookieFileShort };
        var csrfFile = new Option<string?>("--csrf-file") { Description = t.OptionCsrfFileShort };
        var command = new Command("offices", t.OfficesDescription)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(province);
        command.Options.Add(demo);
        command.Options.Add(cookieFile);
        command.Options.Add(csrfFile);
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var stdout = output ?? Console.Out;
            var stderr = error ?? Console.Error;
            ProvinceCatalog.TryNormalize(parse.GetValue(province), out var code);
            return await AgendaCommand.RunAsync(configure, parse.UnmatchedTokens, CredentialFiles(parse.GetValue(cookieFile), parse.GetValue(csrfFile)),
                parse.GetValue(demo), stdout, stderr, t, async (client, token) =>
                {
                    var offices = await client.GetOfficesAsync(code!, token).ConfigureAwait(false);
                    if (offices.Count == 0)
                    {
                        await stderr.WriteLineAsync(WatchCommands.Format(t.NoOffice, code)).ConfigureAwait(false);
                        return ExitCodes.Failure;
                    }
                    await stdout.WriteLineAsync("ID\tCODE\tNAME\tADDRESS\tFIRST FREE").ConfigureAwait(false);
                    foreach (var o in offices.OrderBy(o => o.Office.Code, StringComparer.Ordinal))
                    {
                        var address = string.IsNullOrWhiteSpace(o.Office.City) ? o.Office.Address : $"{o.Office.Address}, {o.Office.City}";
                        var first = o.FirstAvailableDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";
                        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"{o.Office.Id}\t{o.Office.Code}\t{o.Office.Name}\t{address}\t{first}")).ConfigureAwait(false);
                    }
                    return ExitCodes.Ok;
                }, ct).ConfigureAwait(false);
        });
        return command;
    }

    internal static Dictionary<string, string?> CredentialFiles(string? cookieFile, string? csrfFile)
    {
        var map = new Dictionary<string, string?>();
        if (cookieFile is not null) map[$"{AgendaOptions.Section}:{nameof(AgendaOptions.CookieFile)}"] = cookieFile;
        if (csrfFile is not null) map[$"{AgendaOptions.Section}:{nameof(AgendaOptions.CsrfTokenFile)}"] = csrfFile;
        return map;
    }
}
